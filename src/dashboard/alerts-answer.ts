import type { AlertLine, AlertStore } from '../store/alert-store.js'

/** `GET {prefix}/api/alerts`: the rules, what fires now, and what fired lately. */
export interface AlertsAnswer {
  rules: { name: string; type: string }[]
  /** Firing now, the oldest first. */
  firing: AlertLine[]
  /** Fired within {@link HISTORY_MS}, the newest first ({@link HISTORY_LINES} at most), resolved or not. */
  fired: AlertLine[]
}

const HISTORY_MS = 30 * 86_400_000
const HISTORY_LINES = 100

export async function alertsAnswer(alerts: AlertStore, rules: AlertsAnswer['rules'], now: number): Promise<AlertsAnswer> {
  const [firing, fired] = await Promise.all([alerts.firing(), alerts.firedSince(now - HISTORY_MS, HISTORY_LINES)])
  return { rules, firing, fired }
}
