import type { Transporter } from 'nodemailer'
import { invalidOption } from '../errors/statgraph-error.js'
import { importDriver } from '../store/import-driver.js'
import { type AlertDestination, destinationKey } from './alert-destination.js'
import { plainText, subjectOf } from './alert-event.js'
import { POST_TIMEOUT_MS } from './webhook-destination.js'

/** E-mail over SMTP, sent with nodemailer (install it: `npm install nodemailer`). */
export interface EmailOption {
  /** The SMTP server: `smtp://user:password@host:587` (STARTTLS when offered) or `smtps://…:465`. */
  smtp: string
  from: string
  to: string | string[]
}

/** `email` checked, as a destination; `at` names it in errors. nodemailer is loaded on the first message. */
export function emailDestination(email: EmailOption, at: string): AlertDestination {
  let url: URL
  try {
    url = new URL(email?.smtp)
  } catch {
    throw invalidOption(`${at}.smtp must be a URL such as smtp://user:password@mail.example.com:587`)
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw invalidOption(`${at}.smtp must start with smtp:// or smtps://`)
  const to = typeof email.to === 'string' ? [email.to] : email.to
  const address = (value: unknown) => typeof value === 'string' && /^[^\s@<>]+@[^\s@<>]+$/.test(value)
  if (!address(email.from)) throw invalidOption(`${at}.from must be an e-mail address`)
  if (!Array.isArray(to) || to.length === 0 || !to.every(address)) throw invalidOption(`${at}.to must be an e-mail address or a list of them`)
  const secure = url.protocol === 'smtps:'
  let transport: Promise<Transporter> | undefined
  const open = async () => {
    const nodemailer = await importDriver<typeof import('nodemailer')>(
      'nodemailer',
      'alerts by e-mail need the nodemailer package: install it with `npm install nodemailer`',
    )
    return nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (secure ? 465 : 587)),
      secure,
      ...(url.username === '' ? {} : { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
      connectionTimeout: POST_TIMEOUT_MS,
      greetingTimeout: POST_TIMEOUT_MS,
      socketTimeout: POST_TIMEOUT_MS,
    })
  }
  return {
    // The credentials are left out: a new password is the same destination.
    key: destinationKey('email', url.host, email.from, ...to),
    name: `mail via ${url.host}`,
    async send(event) {
      transport ??= open().catch((error: unknown) => {
        transport = undefined
        throw error
      })
      await (await transport).sendMail({
        from: email.from,
        to,
        subject: subjectOf(event),
        text: plainText(event),
        headers: { 'X-Statgraph-Event': event.id },
      })
    },
  }
}
