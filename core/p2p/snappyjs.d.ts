/** Types of the `snappyjs` package (snappy block format, pure JavaScript), which ships none. */
declare module "snappyjs" {
  export function compress(data: Uint8Array): Uint8Array;
  export function uncompress(data: Uint8Array, maxLength?: number): Uint8Array;
}
