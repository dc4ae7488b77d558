/** The function a bundle carries: `functions/<name>/index.ts`, resolved by the build. */
declare module 'multivac:function';
