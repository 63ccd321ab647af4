// Reading Open mHealth data points: when a measurement was taken and which numbers it holds.

/** The OMH data point of an /api/v1 observation (decoded ``valueAttachmentData``). */
export function dataPoint(observation) {
  let data = observation?.valueAttachmentData ?? observation?.data ?? null;
  if (typeof data === "string") {
    try { data = JSON.parse(data); } catch { return null; }
  }
  return data && typeof data === "object" ? data : null;
}

/** When the measurement happened: the body's time frame, else the header's creation time. */
export function measuredAt(observation) {
  const point = dataPoint(observation);
  const frame = point?.body?.effective_time_frame;
  const candidates = [
    frame?.date_time,
    frame?.time_interval?.start_date_time,
    frame?.time_interval?.end_date_time,
    point?.header?.source_creation_date_time,
    observation?.effectiveDateTime,
    observation?.created,
  ];
  for (const value of candidates) {
    const date = value ? new Date(value) : null;
    if (date && !Number.isNaN(date.getTime())) return date;
  }
  return null;
}

function humanize(key) {
  const text = key.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The numbers in a body, by measure: {"Systolic blood pressure": {value: 120, unit: "mmHg"}}.
 * A measure is a top-level ``{value, unit}`` object or a plain number (older step counts).
 */
export function measures(observation) {
  const body = dataPoint(observation)?.body;
  const found = {};
  if (!body || typeof body !== "object") return found;
  for (const [key, value] of Object.entries(body)) {
    if (key === "effective_time_frame" || key === "descriptive_statistic") continue;
    if (typeof value === "number" && Number.isFinite(value)) {
      found[humanize(key)] = { value, unit: "" };
    } else if (value && typeof value === "object" && typeof value.value === "number" && Number.isFinite(value.value)) {
      found[humanize(key)] = { value: value.value, unit: value.unit || "" };
    }
  }
  return found;
}

/**
 * Time series per measure from a list of observations of one data type, oldest first:
 * [{name, unit, points: [{t: Date, v: number}]}].
 */
export function seriesOf(observations) {
  const byName = new Map();
  for (const observation of observations) {
    const t = measuredAt(observation);
    if (!t) continue;
    for (const [name, { value, unit }] of Object.entries(measures(observation))) {
      if (!byName.has(name)) byName.set(name, { name, unit, points: [] });
      byName.get(name).points.push({ t, v: value });
    }
  }
  const series = [...byName.values()];
  for (const s of series) s.points.sort((a, b) => a.t - b.t);
  return series;
}
