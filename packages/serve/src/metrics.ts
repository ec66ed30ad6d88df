/**
 * Counters for `/metrics` (Prometheus text format): requests by route and status, time spent, and
 * the work done — studies, series and HTTP calls to the PACS (what the load benchmark reads).
 */
interface RouteWork {
  studies: number;
  series: number;
  pacsCalls: number;
  /** Calls sent again after a stale pooled connection. */
  pacsRetries: number;
}

const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly seconds = new Map<string, number>();
  private readonly work_ = new Map<string, RouteWork>();

  request(route: string, status: number, seconds: number): void {
    const key = `route="${escape(route)}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.seconds.set(route, (this.seconds.get(route) ?? 0) + seconds);
  }

  work(route: string, done: RouteWork): void {
    const total = this.work_.get(route) ?? { studies: 0, series: 0, pacsCalls: 0, pacsRetries: 0 };
    total.studies += done.studies;
    total.series += done.series;
    total.pacsCalls += done.pacsCalls;
    total.pacsRetries += done.pacsRetries;
    this.work_.set(route, total);
  }

  /** Totals per route (for tests and the benchmark). */
  totals(route: string): RouteWork {
    return { ...(this.work_.get(route) ?? { studies: 0, series: 0, pacsCalls: 0, pacsRetries: 0 }) };
  }

  text(gauges: { active: number; queued: number }): string {
    const lines: string[] = [];
    const block = (name: string, type: string, help: string, entries: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of entries) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    };
    block('msc_requests_total', 'counter', 'HTTP requests answered, by route and status', [...this.requests]);
    block(
      'msc_request_seconds_total',
      'counter',
      'Seconds spent answering, by route',
      [...this.seconds].map(([route, value]) => [`route="${escape(route)}"`, value]),
    );
    const work = [...this.work_];
    block(
      'msc_studies_total',
      'counter',
      'Studies read, by route',
      work.map(([route, value]) => [`route="${escape(route)}"`, value.studies]),
    );
    block(
      'msc_series_total',
      'counter',
      'Series labelled or filtered, by route',
      work.map(([route, value]) => [`route="${escape(route)}"`, value.series]),
    );
    block(
      'msc_pacs_calls_total',
      'counter',
      'HTTP calls made to Orthanc or DICOMweb servers, by route',
      work.map(([route, value]) => [`route="${escape(route)}"`, value.pacsCalls]),
    );
    block(
      'msc_pacs_retries_total',
      'counter',
      'PACS calls sent again after a connection the server had closed, by route',
      work.map(([route, value]) => [`route="${escape(route)}"`, value.pacsRetries]),
    );
    block('msc_requests_active', 'gauge', 'Predictions running', [['', gauges.active]]);
    block('msc_requests_queued', 'gauge', 'Predictions waiting for a slot', [['', gauges.queued]]);
    block('process_resident_memory_bytes', 'gauge', 'Resident set size', [['', process.memoryUsage.rss()]]);
    return `${lines.join('\n')}\n`;
  }
}
