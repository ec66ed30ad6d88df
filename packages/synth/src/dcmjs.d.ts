// dcmjs ships no type declarations; the tests that read files back with it narrow the part they use.
declare module 'dcmjs' {
  const dcmjs: unknown;
  export default dcmjs;
}
