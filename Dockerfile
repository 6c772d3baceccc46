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
# The runtime root file system, as scripts/build-image.sh assembles it: the
# binary, the shared libraries ldd names (with the loader, for any
# architecture), the nonroot user 65532, /tmp and its home.
RUN set -eu; r=/rootfs; \
    install -D -m 0755 /synergai "$r/usr/local/bin/synergai"; \
    for lib in $(ldd /synergai | grep -o '/[^ ]*'); do cp -L --parents "$lib" "$r"; done; \
    install -d -m 0755 "$r/etc" "$r/home"; \
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$r/etc/passwd"; \
    printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$r/etc/group"; \
    printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$r/etc/nsswitch.conf"; \
    install -d -m 1777 "$r/tmp"; \
    install -d -m 0700 -o 65532 -g 65532 "$r/home/nonroot"

# Nothing but that root file system: no shell, no package manager.
FROM scratch
ARG GIT_COMMIT=unknown
ARG CREATED=
COPY --from=build /rootfs/ /
WORKDIR /home/nonroot
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
