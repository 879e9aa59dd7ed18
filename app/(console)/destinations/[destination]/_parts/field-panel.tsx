// A titled panel of name/value pairs (the Synapse fields, the remote server).
import type { ReactNode } from "react";

export function FieldPanel({
  id,
  title,
  testId,
  children,
}: {
  id: string;
  title: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="rounded border border-slate-200 bg-white p-3">
      <h2 id={id} className="mb-2 text-sm font-semibold">
        {title}
      </h2>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid={testId}>
        {children}
      </dl>
    </section>
  );
}

export function Field({ name, className, children }: { name: string; className?: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-600">{name}</dt>
      <dd className={className}>{children}</dd>
    </>
  );
}
