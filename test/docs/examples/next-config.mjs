// docs/inbox.md "Adapters": the Next.js config that leaves the package to Node, unbundled.
// #region next-config
// next.config.mjs
export default { serverExternalPackages: ['workos-inbox'] }; // Next 14: experimental.serverComponentsExternalPackages
// #endregion next-config
