# One image, three roles: the command picks them (node dist/main.js --roles api|planner|worker).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts ./scripts
COPY src ./src
COPY libs ./libs
COPY migrations ./migrations
# The build includes the web console (Vite → dist/console), which the api role serves at /.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Workers need no privileges; the embedded default (no DATABASE_URL) is for `npm start`, not this image.
USER node
EXPOSE 3000
ENTRYPOINT ["node", "dist/main.js"]
CMD ["--roles", "api,planner,worker"]
