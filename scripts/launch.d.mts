// Types of scripts/launch.mjs for the TypeScript that imports it (its unit test).
export const PROGRAMS: Record<string, string>;
export const BUNDLE_OPTIONS: Record<string, unknown>;
export function bundle(name: string, entry: string, root?: string): Promise<void>;
export function bundled(name: string, entry?: string, root?: string): Promise<string>;
