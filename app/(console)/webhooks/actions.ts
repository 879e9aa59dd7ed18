"use server";
// Alert webhooks from the console (admin): the same lib/webhooks functions as the API and
// fedctl. Only actions are exported.
import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { parseInput } from "@/lib/http/action-input";
import { createWebhook, deleteWebhook, updateWebhook } from "@/lib/webhooks/endpoints";
import { webhookRuntime } from "@/lib/webhooks/runtime";
import { testWebhook } from "@/lib/webhooks/test-webhook";
import { webhookFormInput, webhookIdInput } from "@/lib/webhooks/webhook-form-input";
import { actionPrincipal } from "@/app/_auth/session";
import { runAction, type ActionResult } from "@/app/_auth/action-result";

export type WebhookState = ActionResult<{ message: string; generatedSecret?: string; delivered?: boolean }> | null;

export async function createWebhookAction(_prev: WebhookState, form: FormData): Promise<WebhookState> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "manage webhooks");
    const { input } = webhookFormInput(form);
    const r = await createWebhook((await getDb()).pool, actor, input, webhookRuntime().guard);
    revalidatePath("/webhooks");
    return { message: `Added the webhook for ${r.endpoint.url}.`, generatedSecret: r.generatedSecret ?? undefined };
  });
}

export async function updateWebhookAction(_prev: WebhookState, form: FormData): Promise<WebhookState> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "manage webhooks");
    const { id, input } = webhookFormInput(form);
    // An empty secret field keeps the secret.
    const w = await updateWebhook(
      (await getDb()).pool,
      actor,
      id,
      { ...input, secret: input.secret || undefined },
      webhookRuntime().guard,
    );
    revalidatePath("/webhooks");
    return { message: `Saved the webhook for ${w.url}.` };
  });
}

export async function deleteWebhookAction(_prev: WebhookState, form: FormData): Promise<WebhookState> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "manage webhooks");
    const { id } = parseInput(webhookIdInput, form);
    const w = await deleteWebhook((await getDb()).pool, actor, id);
    revalidatePath("/webhooks");
    return { message: `Deleted the webhook for ${w.url}.` };
  });
}

export async function testWebhookAction(_prev: WebhookState, form: FormData): Promise<WebhookState> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "manage webhooks");
    const { id } = parseInput(webhookIdInput, form);
    const r = await testWebhook((await getDb()).pool, actor, id, webhookRuntime());
    revalidatePath("/webhooks");
    return {
      delivered: r.ok,
      message: r.ok
        ? `Test delivered: ${r.statusCode} in ${r.durationMs} ms.`
        : `Test failed: ${r.error ?? `answered ${r.statusCode}`} (${r.durationMs} ms).`,
    };
  });
}
