import { createHash } from 'node:crypto';
import { SUBJECTS } from '../../../libs/contracts/messages';

const NAME_SAFE = /[^A-Za-z0-9_-]/g;

/** Subject prefix must be empty or dot-terminated tokens, so `${prefix}sf.tasks.>` stays one well-formed subject. */
export function assertSubjectPrefix(prefix: string): void {
  if (prefix !== '' && !/^([^\s*>.]+\.)+$/.test(prefix)) {
    throw new Error(`subjectPrefix "${prefix}" must be empty or dot-terminated tokens like "t123."`);
  }
}

// Stream and consumer names allow no dots; a short hash keeps sanitised names from colliding.
function safeName(raw: string): string {
  const cleaned = raw.replace(NAME_SAFE, '_');
  if (cleaned === raw) return raw;
  return `${cleaned}_${createHash('sha1').update(raw).digest('hex').slice(0, 8)}`;
}

/** Every NATS name the bus uses, derived from the subject prefix so prefixed buses never share streams. */
export class NatsNames {
  readonly tasksStream: string;
  readonly eventsStream: string;
  readonly eventsConsumer = 'sf_events';

  constructor(readonly prefix: string) {
    assertSubjectPrefix(prefix);
    const streamPrefix = prefix === '' ? '' : `${safeName(prefix.slice(0, -1))}_`;
    this.tasksStream = `${streamPrefix}SF_TASKS`;
    this.eventsStream = `${streamPrefix}SF_EVENTS`;
  }

  subject(unprefixed: string): string {
    return `${this.prefix}${unprefixed}`;
  }

  /** The subject without this bus's prefix (what the contract's subject names mean). */
  unprefixed(subject: string): string {
    return subject.startsWith(this.prefix) ? subject.slice(this.prefix.length) : subject;
  }

  get tasksWildcard(): string {
    return this.subject('sf.tasks.>');
  }

  get eventSubjects(): string[] {
    return [this.subject(SUBJECTS.started), this.subject(SUBJECTS.results)];
  }

  taskSubject(queue: string): string {
    return this.subject(SUBJECTS.tasks(queue));
  }

  taskConsumer(queue: string): string {
    return `sf_tasks_${safeName(queue)}`;
  }

  /** The JetStream API subject a pull request for `consumer` is published to. */
  nextSubject(stream: string, consumer: string): string {
    return `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`;
  }
}
