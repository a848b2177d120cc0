import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

const CHROMIUM = '/usr/bin/chromium'

/** Whether Debian's chromium is here; under CI=true its absence fails the run instead of skipping `suite`. */
export function hasChromium(suite: string): boolean {
  const here = existsSync(CHROMIUM)
  if (!here && process.env.CI) {
    throw new Error(`${suite} need Debian's chromium at ${CHROMIUM} (apt-get install chromium); under CI=true that is a failure, not a skip`)
  }
  return here
}

/** Headless Debian chromium, never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
