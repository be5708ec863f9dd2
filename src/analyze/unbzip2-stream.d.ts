// The package ships no types: a transform stream that takes bzip2 bytes and emits the decompressed bytes
// (classic "through" stream; emits "error" on corrupt or truncated input).
declare module "unbzip2-stream" {
  function unbzip2Stream(): NodeJS.ReadWriteStream;
  export = unbzip2Stream;
}
