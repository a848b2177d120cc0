// The page's header: the range (presets, or From / To UTC days), who counts (all, people, bots), live
// refresh and the CSV export. On a phone, all but the presets fold under "More".
import { exportUrl } from './api.js'
import { el } from './dom.js'
import { apiParams, AUDIENCES, type Audience, PRESETS, type Preset, rangeDays, type View } from '../src/dashboard/view.js'

export const LIVE_SECONDS = 5

export function header(view: View, go: (view: View, replace?: boolean) => void): HTMLElement {
  const presets = el('div', { className: 'presets', role: 'group', ariaLabel: 'Range' })
  for (const [preset, label] of Object.entries(PRESETS) as [Preset, string][]) {
    const pressed = 'preset' in view.range && view.range.preset === preset
    const button = el('button', { type: 'button', ariaPressed: String(pressed) }, label)
    button.addEventListener('click', () => go({ ...view, range: { preset } }))
    presets.append(button)
  }

  // On a phone the rest folds behind a button; on wider screens the button is hidden, the rest shown.
  const more = el('div', { className: 'more', id: 'more' }, rangeForm(view, go), audience(view, go), live(view, go), exportLink(view))
  const toggle = el('button', { type: 'button', className: 'more-toggle', ariaExpanded: 'false' }, 'More')
  toggle.setAttribute('aria-controls', 'more')
  toggle.addEventListener('click', () => {
    const open = more.classList.toggle('open')
    toggle.ariaExpanded = String(open)
  })
  return el('header', {}, el('h1', {}, 'Statistics'), presets, toggle, more)
}

/** From / To, showing the days of whatever range is on; a reversed range is refused here, before any request. */
function rangeForm(view: View, go: (view: View) => void): HTMLElement {
  const days = rangeDays(view, Date.now())
  const start = el('input', { type: 'date', value: days.start, id: 'start', required: true })
  const end = el('input', { type: 'date', value: days.end, id: 'end', required: true })
  const problem = el('span', { className: 'form-error', role: 'alert' })
  const form = el(
    'form',
    { className: 'range', ariaLabel: 'Custom range (UTC days)' },
    el('label', { htmlFor: 'start' }, 'From'),
    start,
    el('label', { htmlFor: 'end' }, 'to'),
    end,
    el('button', { type: 'submit' }, 'Apply'),
    el('span', { className: 'zone' }, 'UTC'),
    problem,
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (start.value > end.value) {
      problem.textContent = '“From” is after “to”: pick an earlier start or a later end.'
      return
    }
    go({ ...view, range: { start: start.value, end: end.value } })
  })
  return form
}

function audience(view: View, go: (view: View) => void): HTMLElement {
  const select = el(
    'select',
    { id: 'audience' },
    ...(Object.entries(AUDIENCES) as [Audience, string][]).map(([value, label]) => el('option', { value, selected: view.audience === value }, label)),
  )
  select.addEventListener('change', () => go({ ...view, audience: select.value as Audience }))
  return el('label', { className: 'audience', htmlFor: 'audience' }, 'Show ', select)
}

function live(view: View, go: (view: View, replace?: boolean) => void): HTMLElement {
  const box = el('input', { type: 'checkbox', id: 'live', checked: view.live })
  box.addEventListener('change', () => go({ ...view, live: box.checked }, true))
  return el('label', { className: 'live', htmlFor: 'live' }, box, ` Live (every ${LIVE_SECONDS} s)`)
}

function exportLink(view: View): HTMLElement {
  const csv = el('a', { className: 'button', href: '#', download: '' }, 'Export CSV')
  // The link is made when followed: a preset's range ends at that moment.
  csv.addEventListener('click', () => {
    const params = apiParams(view, Date.now())
    params.set('format', 'csv')
    csv.href = exportUrl(params)
  })
  return csv
}
