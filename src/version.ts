/**
 * This package's version, as in package.json. A constant rather than a read of package.json at
 * import: a bundle (Next.js, esbuild) has no package.json beside the code, and an import should
 * cost no file read. `npm version` rewrites it (scripts/write-version.mjs, the `version` script)
 * and test/version.test.ts fails when the two differ.
 */
export const packageVersion = '0.1.0';
