import { type Browser, chromium } from 'playwright-core'
import { hasDebianBinary } from './debian-binary.js'

const CHROMIUM = '/usr/bin/chromium'

/** Whether Debian's chromium is here; under CI=true its absence fails the suite that needs it. */
export function hasChromium(suite: string): boolean {
  return hasDebianBinary(CHROMIUM, 'chromium', suite)
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
