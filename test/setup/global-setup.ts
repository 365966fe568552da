// Filled in by the database test harness (template database); a no-op until then.
export default async function setup(): Promise<void> {}
