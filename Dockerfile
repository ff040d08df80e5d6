# The image of `playercoach serve`, `worker` and `sandbox` (docker-compose.yml). The TypeScript runs
# through tsx, as `npx playercoach` does, so there is no build step and no stale compiled copy.
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY connectors ./connectors
COPY jobs ./jobs
USER node
ENTRYPOINT ["node", "bin/playercoach.js"]
CMD ["serve"]
