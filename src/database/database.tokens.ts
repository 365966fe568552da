/** The PostgreSQL URL in use (the embedded server's, when DATABASE_URL is unset). */
export const DATABASE_URL = Symbol('DATABASE_URL');
