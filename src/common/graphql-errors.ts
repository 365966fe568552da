import { GraphQLError } from 'graphql';

/** Invalid input: the message names the offending field (`steps[2].dependsOn: unknown step "lod"`). */
export function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 200 } } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

export function unauthenticated(): GraphQLError {
  return new GraphQLError('missing or wrong API token (send Authorization: Bearer <token>)', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}
