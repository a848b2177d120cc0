import { once } from 'node:events'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** A message as the receiver parsed it. */
interface ReceivedMail {
  from: string
  to: string[]
  subject: string
  text: string
  eventId: string
}

/** A local SMTP server (smtp-server, in this process) keeping every message it is sent. */
export interface SmtpReceiver {
  /** `smtp://user:secret@127.0.0.1:<port>`: it asks for those credentials. */
  url: string
  received: ReceivedMail[]
  close(): Promise<void>
}

export async function smtpReceiver(): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = []
  const server = new SMTPServer({
    // Plain SMTP on loopback; AUTH PLAIN/LOGIN over it is allowed for the test.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'user' && auth.password === 'secret') callback(null, { user: auth.username })
      else callback(new Error('wrong credentials'))
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            eventId: String(mail.headers.get('x-statgraph-event') ?? ''),
          })
          callback()
        },
        (error: Error) => callback(error),
      )
    },
  })
  server.listen(0, '127.0.0.1')
  await once(server.server, 'listening')
  const { port } = server.server.address() as { port: number }
  return { url: `smtp://user:secret@127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) }
}
