# The synergai scheduler image, built with docker or podman from the
# repository root:
#
#   docker build -t synergai:0.1.0 -t synergai:latest \
#     --build-arg GIT_COMMIT="$(git rev-parse HEAD)" \
#     --build-arg CREATED="$(git show -s --format=%cI HEAD)" .
#
# (`podman build` takes the same arguments.) The build context has no .git,
# so the commit `synergai --version` names and the revision label come from
# GIT_COMMIT. scripts/build-image.sh builds the same image offline, from the
# release binary and the host's libraries; tests/image.rs checks that the two
# agree on entrypoint, command, user, port and labels.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
ARG GIT_COMMIT=unknown
# Debug information stripped, symbols kept (as scripts/build-image.sh does).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    SYNERGAI_GIT_COMMIT="$GIT_COMMIT" cargo build --release --locked \
    && objcopy --strip-debug target/release/synergai /synergai

# glibc, libgcc and the nonroot user (65532), nothing else.
FROM gcr.io/distroless/cc-debian12:nonroot
ARG GIT_COMMIT=unknown
ARG CREATED=
COPY --from=build /synergai /usr/local/bin/synergai
USER 65532:65532
# /healthz, /readyz and /metrics over HTTP.
EXPOSE 10251/tcp
LABEL org.opencontainers.image.title="synergai" \
      org.opencontainers.image.description="Architecture-aware scheduler for AI inference on heterogeneous edge-to-cloud Kubernetes clusters" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.revision="${GIT_COMMIT}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.created="${CREATED}"
ENTRYPOINT ["/usr/local/bin/synergai"]
CMD ["scheduler", "run", "--kube"]
