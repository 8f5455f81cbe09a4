import { describe, expect, test } from "bun:test";
import { InvalidReqRespError } from "./errors.ts";
import {
  decodePayloadRequest,
  decodePayloadResponse,
  encodePayloadError,
  encodePayloadRequest,
  encodePayloadResponse,
  PAYLOAD_BY_NUMBER_RESULT,
} from "./payloadByNumber.ts";
import { makeEnvelope, seededBytes } from "./testing.ts";
import { payloadByNumberProtocol } from "./topics.ts";

describe("payload_by_number codec", () => {
  test("protocol id and request: little-endian uint64", () => {
    expect(payloadByNumberProtocol(901n)).toBe("/opstack/req/payload_by_number/901/0/");
    expect([...encodePayloadRequest(0x0102n)]).toEqual([2, 1, 0, 0, 0, 0, 0, 0]);
    expect(decodePayloadRequest(encodePayloadRequest(123456789n))).toBe(123456789n);
    expect(() => decodePayloadRequest(new Uint8Array(7))).toThrow(InvalidReqRespError);
  });

  test("response: code 0, version 1 (LE), snappy-framed envelope; errors are one byte", () => {
    const env = makeEnvelope({ number: 5n, timestamp: 100n, parentHash: seededBytes(1, 32) });
    const resp = encodePayloadResponse(env);
    expect([...resp.subarray(0, 5)]).toEqual([0, 1, 0, 0, 0]);
    expect(resp[5]).toBe(0xff); // framing stream identifier
    expect(decodePayloadResponse(resp)).toEqual({ ok: true, envelope: env });
    expect(decodePayloadResponse(encodePayloadError(PAYLOAD_BY_NUMBER_RESULT.unavailable))).toEqual({
      ok: false,
      code: 1,
    });
    const v2 = resp.slice();
    v2[1] = 2;
    expect(() => decodePayloadResponse(v2)).toThrow(InvalidReqRespError);
    expect(() => decodePayloadResponse(new Uint8Array(0))).toThrow(InvalidReqRespError);
  });
});
