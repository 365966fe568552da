export * from './cron-schedule';
export * from './misfire';
