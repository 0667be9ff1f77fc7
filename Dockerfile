# The API and the worker share one image; compose picks the entry point.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
# The embedded SQLite data lives where the unprivileged user may write (a volume in production).
ENV TRIBUTARY_DATA_DIR=/home/node/.tributary
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# Everything the entry points import; .dockerignore leaves out what only development uses.
COPY . .
USER node
EXPOSE 8080
CMD ["node", "api/main.ts"]
