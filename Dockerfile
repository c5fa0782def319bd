# The AbuseDetector service: gRPC (abuse_detector.v1) on 50051, /alive, /health and /metrics on 8080.
# docker compose up builds it with its Redis; the command-line tool's image is Dockerfile.cli.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY eng/ eng/
COPY protos/ protos/
COPY src/ src/
RUN dotnet publish src/AbuseDetector.Service -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY models/default.model /app/models/default.model
# The outbox journal (alerts waiting for Redis survive a crash) lives in /data: mount a volume there.
RUN mkdir /data && chown $APP_UID /data
# Listen on every interface inside the container; beyond loopback the service refuses to start without tenants,
# so give it AbuseDetector__Tenants__0__TenantId and AbuseDetector__Tenants__0__ApiKeys__0 (docker-compose.yml does).
# The image has no redis-server: alerts are off unless AbuseDetector__Redis names one (docker-compose.yml does).
# ASPNETCORE_HTTP_PORTS is cleared because the service binds its own two ports.
ENV AbuseDetector__BindAddress=0.0.0.0 \
    AbuseDetector__GrpcPort=50051 \
    AbuseDetector__HttpPort=8080 \
    AbuseDetector__ModelPath=/app/models/default.model \
    AbuseDetector__Redis=none \
    AbuseDetector__DataPath=/data \
    ASPNETCORE_HTTP_PORTS=
EXPOSE 50051 8080
# The image's non-root user (uid 1654).
USER $APP_UID
# No curl in the aspnet image: bash's /dev/tcp sends the request.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /alive HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "AbuseDetector.Service.dll"]
