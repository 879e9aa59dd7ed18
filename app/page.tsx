export default function Home() {
  return (
    <main className="mx-auto max-w-2xl p-8">
      <h1 className="text-2xl font-semibold">Federation Console</h1>
      <p className="mt-4">
        The Synapse-compatible federation admin API is served under{" "}
        <code className="rounded bg-slate-200 px-1">/_synapse/admin/v1/federation/destinations</code>.
      </p>
    </main>
  );
}
