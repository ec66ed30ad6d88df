// dcmjs ships no type declarations; dataset.ts narrows the part it uses.
declare module 'dcmjs' {
  const dcmjs: unknown;
  export default dcmjs;
}
