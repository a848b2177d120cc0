import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import express, { type Request } from 'express'
import { statgraph } from 'statgraph/express'

const password = process.env.ADMIN_PASSWORD
if (!password) throw new Error('set ADMIN_PASSWORD')
// Compared as digests: in constant time, whatever the lengths.
const same = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
// The app's own login, at its simplest: one admin password, one session per process.
const session = randomBytes(32).toString('hex')
const loggedIn = (req: Request) => (req.headers.cookie ?? '').split(/;\s*/).some((cookie) => same(cookie, `session=${session}`))

const app = express()
const stats = statgraph(app, {
  // Visitors who are not logged in are sent to log in first.
  protect: (req, res, next) => (loggedIn(req) ? next() : res.redirect('/login')),
})
app.get('/login', (_req, res) => {
  res.send('<form method="post"><label>Password <input name="password" type="password" autofocus></label> <button>Log in</button></form>')
})
app.post('/login', express.urlencoded({ extended: false }), (req, res) => {
  if (!same(String(req.body?.password ?? ''), password)) return res.redirect('/login')
  res.cookie('session', session, { httpOnly: true, sameSite: 'lax', secure: req.secure }).redirect('/statistics')
})
app.get('/', (_req, res) => {
  res.send('Hello World!')
})
const server = app.listen(Number(process.env.PORT ?? 3000))
process.on('SIGTERM', () => server.close(() => stats.close()))
