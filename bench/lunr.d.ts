// lunr ships no types and @types/lunr is not installed; the benchmark uses it untyped.
declare module 'lunr' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const lunr: any;
  export default lunr;
}
