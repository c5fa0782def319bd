# Builds the abuse-detector image. The gRPC service host (src/AbuseDetector.Service) replaces the CLI
# entry point once it exists; until then the image runs the command-line tool.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY . .
RUN dotnet publish src/AbuseDetector.Cli -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
COPY models/default.model /app/models/default.model
ENV ABUSE_DETECTOR_MODEL=/app/models/default.model
ENTRYPOINT ["dotnet", "abuse-detector.dll"]
CMD ["classify"]
