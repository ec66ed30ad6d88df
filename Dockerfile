# msc-serve: the HTTP service in a node:20-slim image, run as the unprivileged `node` user.
# The default model is baked in (/app/models); mount your own models and config-api.yaml over
# /app/models and /etc/msc/config-api.yaml. DICOM folders for POST /predict go under /data.
#   docker build -t msc-serve .
#   docker run --rm -p 127.0.0.1:8000:8000 -e ORTHANC_URL=http://orthanc:8042 msc-serve
FROM node:20-slim AS build
WORKDIR /src
RUN npm install -g pnpm@10.34.9
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm build \
 && pnpm --filter @msc/serve deploy --prod --legacy /app

FROM node:20-slim
ENV NODE_ENV=production \
    MSC_CONFIG=/etc/msc/config-api.yaml
WORKDIR /app
COPY --from=build /app /app
COPY models /app/models
COPY deploy/config-api.yaml /etc/msc/config-api.yaml
RUN mkdir -p /data
USER node
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/msc-serve.mjs"]
CMD ["--host", "0.0.0.0", "--port", "8000"]
