// What the alert detection needs of the settings (FEDCONSOLE_ALERT_*), in ms.
import type { WebhookSettings } from "../settings/settings";

export type AlertConfig = Pick<
  WebhookSettings,
  "downAfter" | "deadAfterMs" | "minGapMs" | "groupWindowMs" | "groupMin" | "certWarningMs" | "syncFailingAfterMs"
>;
