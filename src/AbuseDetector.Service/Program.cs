using AbuseDetector.Service;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddAbuseDetectorService(args);

var app = builder.Build();
app.MapAbuseDetectorService();
return await app.RunAbuseDetectorServiceAsync();
