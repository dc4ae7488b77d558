/**
 * The browser assets of `browser/`, built and embedded into this function's bundle by
 * tools/build (its browser-assets plugin). Typed unknown on purpose: `assets.ts` checks the shape.
 */
declare module 'multivac:browser-assets' {
  const manifest: unknown;
  export default manifest;
}
