#include "provider/azure/arm_client.h"

#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/azure/arm_error.h"
#include "provider/azure/testing/fake_transport.h"
#include "provider/common/logging.h"

namespace secureaml::azure {
namespace {

using ::secureaml::azure::testing::ArmErrorResponse;
using ::secureaml::azure::testing::EmptyResponse;
using ::secureaml::azure::testing::FakeCredential;
using ::secureaml::azure::testing::FakeTransport;
using ::secureaml::azure::testing::JsonResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kEndpoint[] = "https://arm.test";
constexpr char kWs[] =
    "/subscriptions/sub/resourceGroups/rg/providers/"
    "Microsoft.MachineLearningServices/workspaces/ws1";
constexpr char kApi[] = "2025-06-01";

class ArmClientTest : public ::testing::Test {
 protected:
  ArmClientTest()
      : transport_(std::make_shared<FakeTransport>()),
        credential_(std::make_shared<FakeCredential>(&time_)) {
    options_.endpoint = kEndpoint;
    options_.token_scope = "https://arm.test/.default";
    options_.clock = &time_;
    options_.sleeper = &time_;
    options_.rng_seed = 7;
  }
  ArmClient& client() {
    if (!client_) {
      client_ = std::make_unique<ArmClient>(transport_, credential_, options_);
    }
    return *client_;
  }
  static std::string Op(absl::string_view name) {
    return absl::StrCat(kEndpoint,
                        "/subscriptions/sub/providers/Microsoft.X/locations/"
                        "westus/operationStatuses/",
                        name, "?api-version=2025-06-01");
  }

  FakeTime time_;
  std::shared_ptr<FakeTransport> transport_;
  std::shared_ptr<FakeCredential> credential_;
  ArmClientOptions options_;
  std::unique_ptr<ArmClient> client_;
};

TEST_F(ArmClientTest, GetSendsArmHeaders) {
  transport_->Expect("GET", kWs, JsonResponse(200, {{"name", "ws1"}}));
  RequestOptions opts;
  opts.correlation_id = "corr-1";
  auto r = client().Get(kWs, kApi, opts);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body["name"], "ws1");
  EXPECT_EQ(r->request_id, "req-200");
  HttpRequest req = transport_->requests().at(0);
  EXPECT_EQ(req.url, absl::StrCat(kEndpoint, kWs, "?api-version=2025-06-01"));
  EXPECT_EQ(req.headers.Get("authorization"), "Bearer fake-token-1");
  EXPECT_THAT(*req.headers.Get("User-Agent"),
              HasSubstr("terraform-provider-secureaml/"));
  EXPECT_EQ(req.headers.Get("x-ms-correlation-request-id"), "corr-1");
  EXPECT_EQ(req.headers.Get("x-ms-client-request-id")->size(), 36u);
  EXPECT_EQ(client().Stats().reads, 1);
}

TEST_F(ArmClientTest, ErrorsCarryArmCodeAndRequestIds) {
  transport_->Expect(
      "GET", kWs,
      ArmErrorResponse(404, "ResourceNotFound", "The Resource was not found.",
                       {{"x-ms-request-id", "rid-9"},
                        {"x-ms-correlation-request-id", "cid-9"}}));
  auto r = client().Get(kWs, kApi);
  ASSERT_TRUE(absl::IsNotFound(r.status())) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("ResourceNotFound"));
  EXPECT_THAT(r.status().message(), HasSubstr("The Resource was not found."));
  EXPECT_THAT(r.status().message(), HasSubstr("rid-9"));
  std::optional<ArmError> e = GetArmError(r.status());
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->http_status, 404);
  EXPECT_EQ(e->code, "ResourceNotFound");
  EXPECT_EQ(e->request_id, "rid-9");
  EXPECT_EQ(e->correlation_id, "cid-9");
}

TEST_F(ArmClientTest, StatusCodeMapping) {
  struct Case {
    int http;
    std::string code;
    absl::StatusCode want;
  };
  for (const Case& c : std::vector<Case>{
           {400, "InvalidParameter", absl::StatusCode::kInvalidArgument},
           {401, "InvalidAuthenticationToken",
            absl::StatusCode::kUnauthenticated},
           {403, "AuthorizationFailed", absl::StatusCode::kPermissionDenied},
           {409, "RoleAssignmentExists", absl::StatusCode::kAlreadyExists},
           {409, "AnotherOperationInProgress",
            absl::StatusCode::kFailedPrecondition},
           {501, "NotImplemented", absl::StatusCode::kUnimplemented},
       }) {
    HttpResponse resp = ArmErrorResponse(c.http, c.code, "m");
    absl::Status s = ArmErrorToStatus(ParseArmError(resp, "PUT", "u"));
    EXPECT_EQ(s.code(), c.want) << c.http << " " << c.code;
  }
  options_.max_attempts = 1;
  transport_->Expect("GET", kWs, ArmErrorResponse(429, "Throttled", "m"));
  EXPECT_TRUE(absl::IsResourceExhausted(client().Get(kWs, kApi).status()));
  transport_->Expect("GET", kWs, ArmErrorResponse(503, "Busy", "m"));
  EXPECT_TRUE(absl::IsUnavailable(client().Get(kWs, kApi).status()));
}

TEST_F(ArmClientTest, PutWithAzureAsyncOperationPollsThenReadsOnce) {
  std::vector<size_t> requests_at_accept;
  transport_->Expect(
      "PUT", kWs,
      JsonResponse(
          201, {{"properties", {{"provisioningState", "Creating"}}}},
          {{"Azure-AsyncOperation", Op("op1")}, {"Retry-After", "3"}}));
  transport_->Expect(
      "GET", "operationStatuses/op1",
      JsonResponse(200, {{"status", "InProgress"}}, {{"Retry-After", "5"}}));
  transport_->Expect("GET", "operationStatuses/op1",
                     JsonResponse(200, {{"status", "Succeeded"}}));
  transport_->Expect(
      "GET", kWs,
      JsonResponse(200,
                   {{"properties", {{"provisioningState", "Succeeded"}}}}));
  RequestOptions opts;
  AcceptedOperation accepted;
  opts.on_accepted = [&](const AcceptedOperation& op) {
    accepted = op;
    requests_at_accept.push_back(transport_->request_count());
  };
  auto r = client().Put(kWs, kApi, {{"location", "westus"}}, opts);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->polled);
  EXPECT_EQ(r->body["properties"]["provisioningState"], "Succeeded");
  EXPECT_THAT(requests_at_accept, ElementsAre(1u));  // before any poll
  EXPECT_EQ(accepted.resource_id, kWs);
  EXPECT_THAT(accepted.polling_url, HasSubstr("operationStatuses/op1"));
  EXPECT_THAT(time_.sleeps(), ElementsAre(absl::Seconds(3), absl::Seconds(5)));
  ArmClientStats s = client().Stats();
  EXPECT_EQ(s.writes, 1);
  EXPECT_EQ(s.polls, 2);
  EXPECT_EQ(s.final_reads, 1);
  EXPECT_EQ(s.retries, 0);
  EXPECT_EQ(transport_->remaining(), 0u);
  // Every request of the operation shares one correlation ID.
  std::string corr =
      *transport_->requests()[0].headers.Get("x-ms-correlation-request-id");
  for (const auto& req : transport_->requests()) {
    EXPECT_EQ(req.headers.Get("x-ms-correlation-request-id"), corr);
  }
}

TEST_F(ArmClientTest, PutWithLocationPolls202UntilDoneThenGetsOriginalUri) {
  transport_->Expect(
      "PUT", kWs,
      EmptyResponse(202, {{"Location", Op("loc1")}, {"Retry-After", "10"}}));
  transport_->Expect("GET", "loc1",
                     EmptyResponse(202, {{"Retry-After", "10"}}));
  transport_->Expect("GET", "loc1",
                     EmptyResponse(202, {{"Retry-After", "10"}}));
  transport_->Expect("GET", "loc1", JsonResponse(200, {{"name", "ws1"}}));
  transport_->Expect("GET", kWs,
                     JsonResponse(200, {{"name", "ws1"}, {"v", 2}}));
  auto r = client().Put(kWs, kApi, {{"location", "westus"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body["v"], 2);
  EXPECT_EQ(time_.TotalSlept(), absl::Seconds(30));
  EXPECT_EQ(client().Stats().polls, 3);
  EXPECT_EQ(client().Stats().final_reads, 1);
}

TEST_F(ArmClientTest, FinalStateViaLocationUsesTheLocationBody) {
  transport_->Expect(
      "PUT", kWs,
      EmptyResponse(202, {{"Location", Op("loc1")}, {"Retry-After", "1"}}));
  transport_->Expect("GET", "loc1", JsonResponse(200, {{"name", "from-loc"}}));
  RequestOptions opts;
  opts.final_state_via = FinalStateVia::kLocation;
  auto r = client().Put(kWs, kApi, {{"location", "westus"}}, opts);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body["name"], "from-loc");
  EXPECT_EQ(client().Stats().final_reads, 0);
}

TEST_F(ArmClientTest, ProvisioningStatePollingEndsOnTheResourceItself) {
  transport_->Expect(
      "PUT", kWs,
      JsonResponse(201, {{"properties", {{"provisioningState", "Creating"}}}}));
  transport_->Expect(
      "GET", kWs,
      JsonResponse(200, {{"properties", {{"provisioningState", "Creating"}}}},
                   {{"Retry-After", "4"}}));
  transport_->Expect(
      "GET", kWs,
      JsonResponse(200,
                   {{"properties", {{"provisioningState", "Succeeded"}}}}));
  auto r = client().Put(kWs, kApi, {{"location", "westus"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body["properties"]["provisioningState"], "Succeeded");
  // No Retry-After on the 201: the default interval, then the server's 4 s.
  EXPECT_THAT(time_.sleeps(), ElementsAre(absl::Seconds(2), absl::Seconds(4)));
  EXPECT_EQ(client().Stats().final_reads, 0);
  EXPECT_EQ(transport_->remaining(), 0u);
}

TEST_F(ArmClientTest, SynchronousPutDoesNotPoll) {
  transport_->Expect(
      "PUT", kWs,
      JsonResponse(200,
                   {{"properties", {{"provisioningState", "Succeeded"}}}}));
  int accepted = 0;
  RequestOptions opts;
  opts.on_accepted = [&](const AcceptedOperation& op) {
    ++accepted;
    EXPECT_TRUE(op.polling_url.empty());
  };
  auto r = client().Put(kWs, kApi, {{"location", "westus"}}, opts);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->polled);
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(client().Stats().total(), 1);
}

TEST_F(ArmClientTest, DeleteWithLocationEndsWhenLocationReturns200) {
  transport_->Expect(
      "DELETE", kWs,
      EmptyResponse(202, {{"Location", Op("d1")}, {"Retry-After", "2"}}));
  transport_->Expect("GET", "d1", EmptyResponse(202, {{"Retry-After", "2"}}));
  transport_->Expect("GET", "d1", EmptyResponse(200));
  auto r = client().Delete(kWs, kApi);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(client().Stats().final_reads, 0);
  EXPECT_EQ(client().Stats().polls, 2);
}

TEST_F(ArmClientTest, DeletePrefersAzureAsyncOperationOverLocation) {
  transport_->Expect("DELETE", kWs,
                     EmptyResponse(202, {{"Location", Op("loc")},
                                         {"Azure-AsyncOperation", Op("aao")},
                                         {"Retry-After", "1"}}));
  transport_->Expect("GET", "aao", JsonResponse(200, {{"status", "Deleting"}}));
  transport_->Expect("GET", "aao",
                     JsonResponse(200, {{"status", "Succeeded"}}));
  auto r = client().Delete(kWs, kApi);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(transport_->remaining(), 0u);
}

TEST_F(ArmClientTest, SynchronousDeletes) {
  transport_->Expect("DELETE", kWs, EmptyResponse(200));
  transport_->Expect("DELETE", kWs, EmptyResponse(204));
  EXPECT_TRUE(client().Delete(kWs, kApi).ok());
  EXPECT_TRUE(client().Delete(kWs, kApi).ok());
  EXPECT_TRUE(time_.sleeps().empty());
}

TEST_F(ArmClientTest, Delete202WithoutHeadersPollsResourceUntil404) {
  transport_->Expect("DELETE", kWs, EmptyResponse(202));
  transport_->Expect(
      "GET", kWs,
      JsonResponse(200, {{"properties", {{"provisioningState", "Deleting"}}}}));
  transport_->Expect("GET", kWs,
                     ArmErrorResponse(404, "ResourceNotFound", "x"));
  auto r = client().Delete(kWs, kApi);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(transport_->remaining(), 0u);
}

TEST_F(ArmClientTest, PostActionResultComesFromLocation) {
  std::string action = absl::StrCat(kWs, "/computes/c1/start");
  transport_->Expect(
      "POST", "/start",
      EmptyResponse(202, {{"Location", Op("post-loc")},
                          {"Azure-AsyncOperation", Op("post-aao")},
                          {"Retry-After", "1"}}));
  transport_->Expect("GET", "post-aao",
                     JsonResponse(200, {{"status", "Succeeded"}}));
  transport_->Expect("GET", "post-loc", JsonResponse(200, {{"result", 42}}));
  auto r = client().Post(action, kApi, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body["result"], 42);
  EXPECT_EQ(client().Stats().final_reads, 1);
}

TEST_F(ArmClientTest, PatchWithLocationEndsWithAGetOfTheResource) {
  transport_->Expect(
      "PATCH", kWs,
      EmptyResponse(202, {{"Location", Op("p")}, {"Retry-After", "1"}}));
  transport_->Expect("GET", "operationStatuses/p", EmptyResponse(204));
  transport_->Expect("GET", kWs, JsonResponse(200, {{"tags", {{"a", "b"}}}}));
  auto r = client().Patch(kWs, kApi, {{"tags", {{"a", "b"}}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body["tags"]["a"], "b");
}

TEST_F(ArmClientTest, FinalGetToleratesReplicationLag) {
  transport_->Expect(
      "PUT", kWs,
      JsonResponse(201, nullptr,
                   {{"Azure-AsyncOperation", Op("r")}, {"Retry-After", "1"}}));
  transport_->Expect("GET", "operationStatuses/r",
                     JsonResponse(200, {{"status", "Succeeded"}}));
  transport_->Expect("GET", kWs,
                     ArmErrorResponse(404, "ResourceNotFound", "x"));
  transport_->Expect("GET", kWs, JsonResponse(200, {{"name", "ws1"}}));
  EXPECT_TRUE(client().Put(kWs, kApi, {{"location", "westus"}}).ok());
}

TEST_F(ArmClientTest, FailedOperationCarriesItsError) {
  transport_->Expect(
      "PUT", kWs,
      JsonResponse(201, nullptr,
                   {{"Azure-AsyncOperation", Op("f1")}, {"Retry-After", "1"}}));
  transport_->Expect("GET", "f1",
                     JsonResponse(200, {{"status", "Failed"},
                                        {"error",
                                         {{"code", "QuotaExceeded"},
                                          {"message", "Not enough cores"}}}}));
  auto r = client().Put(kWs, kApi, {{"location", "westus"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("QuotaExceeded"));
  EXPECT_THAT(r.status().message(), HasSubstr("Not enough cores"));
  EXPECT_EQ(GetArmError(r.status())->code, "QuotaExceeded");
}

TEST_F(ArmClientTest, LocationReportingFailureAsAnErrorStatusEndsThePoll) {
  transport_->Expect(
      "PUT", kWs,
      EmptyResponse(202, {{"Location", Op("bad")}, {"Retry-After", "1"}}));
  transport_->SetHandler(
      [](const HttpRequest&) -> absl::StatusOr<HttpResponse> {
        return ArmErrorResponse(500, "InternalServerError",
                                "Provisioning failed");
      });
  RequestOptions opts;
  opts.deadline = time_.Now() + absl::Hours(1);
  auto r = client().Put(kWs, kApi, {{"location", "westus"}}, opts);
  ASSERT_TRUE(absl::IsUnavailable(r.status())) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("failed"));
  EXPECT_THAT(r.status().message(), HasSubstr("Provisioning failed"));
  EXPECT_EQ(GetArmError(r.status())->code, "InternalServerError");
  EXPECT_EQ(transport_->request_count(), 5u);  // write + 4 poll attempts
  EXPECT_LT(time_.TotalSlept(), absl::Minutes(1));
}

TEST_F(ArmClientTest, ThrottledPollsAreWaitedOut) {
  transport_->Expect(
      "PUT", kWs,
      EmptyResponse(202, {{"Location", Op("l")}, {"Retry-After", "1"}}));
  for (int i = 0; i < 8; ++i) {
    transport_->Expect(
        "GET", "l",
        ArmErrorResponse(429, "Throttled", "t", {{"Retry-After", "2"}}));
  }
  transport_->Expect("GET", "l", JsonResponse(200, {{"name", "ws1"}}));
  transport_->Expect("GET", kWs, JsonResponse(200, {{"name", "ws1"}}));
  EXPECT_TRUE(client().Put(kWs, kApi, {{"location", "westus"}}).ok());
}

TEST_F(ArmClientTest, TransportIsToldWhichRequestsMayBeReplayed) {
  transport_->Expect("POST", "action", EmptyResponse(200));
  transport_->Expect("GET", kWs, JsonResponse(200, {{"name", "ws1"}}));
  ASSERT_TRUE(client().Post(absl::StrCat(kWs, "/action"), kApi, nullptr).ok());
  ASSERT_TRUE(client().Get(kWs, kApi).ok());
  EXPECT_FALSE(transport_->requests()[0].idempotent);
  EXPECT_TRUE(transport_->requests()[1].idempotent);
}

TEST_F(ArmClientTest, CanceledOperationIsAborted) {
  transport_->Expect(
      "PUT", kWs,
      JsonResponse(201, nullptr, {{"Azure-AsyncOperation", Op("c1")}}));
  transport_->Expect("GET", "c1", JsonResponse(200, {{"status", "Canceled"}}));
  auto r = client().Put(kWs, kApi, {{"location", "westus"}});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kAborted);
}

TEST_F(ArmClientTest, RetryAfterIsClampedToFloorAndCeiling) {
  transport_->Expect(
      "PUT", kWs,
      JsonResponse(201, nullptr,
                   {{"Azure-AsyncOperation", Op("x")}, {"Retry-After", "0"}}));
  transport_->Expect(
      "GET", "x",
      JsonResponse(200, {{"status", "InProgress"}}, {{"Retry-After", "3600"}}));
  transport_->Expect("GET", "x", JsonResponse(200, {{"status", "InProgress"}}));
  transport_->Expect("GET", "x", JsonResponse(200, {{"status", "InProgress"}}));
  transport_->Expect("GET", "x", JsonResponse(200, {{"status", "Succeeded"}}));
  transport_->Expect("GET", kWs, JsonResponse(200, {{"name", "ws1"}}));
  ASSERT_TRUE(client().Put(kWs, kApi, {{"location", "westus"}}).ok());
  // floor 1 s, ceiling 60 s, then the growing default (2 s, 3 s).
  EXPECT_THAT(time_.sleeps(), ElementsAre(absl::Seconds(1), absl::Seconds(60),
                                          absl::Seconds(2), absl::Seconds(3)));
}

TEST_F(ArmClientTest, ThrottlingStormHonoursRetryAfter) {
  for (int i = 0; i < 5; ++i) {
    transport_->Expect("GET", kWs,
                       ArmErrorResponse(429, "SubscriptionRequestsThrottled",
                                        "Number of 'read' requests exceeded",
                                        {{"Retry-After", "7"}}));
  }
  transport_->Expect("GET", kWs, JsonResponse(200, {{"name", "ws1"}}));
  auto r = client().Get(kWs, kApi);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(time_.sleeps(), std::vector<absl::Duration>(5, absl::Seconds(7)));
  EXPECT_EQ(client().Stats().retries, 5);
  EXPECT_EQ(client().Stats().reads, 1);
}

TEST_F(ArmClientTest, ServerErrorsBackOffExponentiallyWithJitter) {
  for (int i = 0; i < 4; ++i) {
    transport_->Expect("GET", kWs, ArmErrorResponse(503, "ServerBusy", "busy"));
  }
  transport_->Expect("GET", kWs, JsonResponse(200, {{"name", "ws1"}}));
  ASSERT_TRUE(client().Get(kWs, kApi).ok());
  std::vector<absl::Duration> sleeps = time_.sleeps();
  ASSERT_EQ(sleeps.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    absl::Duration base = absl::Seconds(1 << i);
    EXPECT_GE(sleeps[i], base * 0.8) << i;
    EXPECT_LE(sleeps[i], base * 1.2) << i;
  }
}

TEST_F(ArmClientTest, DroppedConnectionsAreRetriedForIdempotentMethods) {
  transport_->Expect("PUT", kWs, absl::UnavailableError("connection reset"));
  transport_->Expect("PUT", kWs, JsonResponse(200, {{"name", "ws1"}}));
  EXPECT_TRUE(client().Put(kWs, kApi, {{"location", "westus"}}).ok());
  transport_->Expect("GET", kWs, absl::UnavailableError("connection reset"));
  transport_->Expect("GET", kWs, JsonResponse(200, {{"name", "ws1"}}));
  EXPECT_TRUE(client().Get(kWs, kApi).ok());
}

TEST_F(ArmClientTest, NonIdempotentPostIsNeverReplayedBlindly) {
  std::string action = absl::StrCat(kWs, "/resynckeys");
  transport_->Expect("POST", "resynckeys",
                     absl::UnavailableError("connection reset by peer"));
  auto r = client().Post(action, kApi, nullptr);
  EXPECT_TRUE(absl::IsUnavailable(r.status()));
  EXPECT_THAT(r.status().message(), HasSubstr("not replayed"));
  EXPECT_EQ(transport_->request_count(), 1u);
  // A 503 may have been produced after the RP acted: not replayed either.
  transport_->Expect("POST", "resynckeys", ArmErrorResponse(503, "Busy", "b"));
  EXPECT_FALSE(client().Post(action, kApi, nullptr).ok());
  EXPECT_EQ(transport_->request_count(), 2u);
}

TEST_F(ArmClientTest, PostIsRetriedWhenItProvablyNeverLeftOrWasThrottled) {
  std::string action = absl::StrCat(kWs, "/resynckeys");
  transport_->Expect("POST", "resynckeys",
                     RequestNotSentError("connection refused"));
  transport_->Expect(
      "POST", "resynckeys",
      ArmErrorResponse(429, "Throttled", "t", {{"Retry-After", "1"}}));
  transport_->Expect("POST", "resynckeys", EmptyResponse(200));
  EXPECT_TRUE(client().Post(action, kApi, nullptr).ok());
  // An idempotent action may be replayed after a dropped connection.
  transport_->Expect("POST", "listKeys", absl::UnavailableError("reset"));
  transport_->Expect("POST", "listKeys", JsonResponse(200, {{"k", "v"}}));
  RequestOptions opts;
  opts.idempotent_post = true;
  EXPECT_TRUE(
      client().Post(absl::StrCat(kWs, "/listKeys"), kApi, nullptr, opts).ok());
}

TEST_F(ArmClientTest, DeadlineReportsTheLastRetryableError) {
  transport_->SetHandler(
      [](const HttpRequest&) -> absl::StatusOr<HttpResponse> {
        return ArmErrorResponse(503, "ServerBusy", "The server is busy",
                                {{"Retry-After", "10"}});
      });
  RequestOptions opts;
  opts.deadline = time_.Now() + absl::Seconds(45);
  auto r = client().Get(kWs, kApi, opts);
  ASSERT_TRUE(absl::IsDeadlineExceeded(r.status())) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("last retryable error"));
  EXPECT_THAT(r.status().message(), HasSubstr("ServerBusy"));
  EXPECT_EQ(GetArmError(r.status())->code, "ServerBusy");
  EXPECT_LE(time_.TotalSlept(), absl::Seconds(45));
}

TEST_F(ArmClientTest, LroDeadlineStillHandsBackTheResourceId) {
  transport_->Expect("PUT", kWs,
                     JsonResponse(201, nullptr,
                                  {{"Azure-AsyncOperation", Op("slow")},
                                   {"Retry-After", "10"}}));
  transport_->SetHandler(
      [](const HttpRequest&) -> absl::StatusOr<HttpResponse> {
        return JsonResponse(200, {{"status", "InProgress"}},
                            {{"Retry-After", "10"}});
      });
  std::string tracked;
  RequestOptions opts;
  opts.deadline = time_.Now() + absl::Seconds(35);
  opts.on_accepted = [&](const AcceptedOperation& op) {
    tracked = op.resource_id;
  };
  auto r = client().Put(kWs, kApi, {{"location", "westus"}}, opts);
  ASSERT_TRUE(absl::IsDeadlineExceeded(r.status())) << r.status();
  EXPECT_EQ(tracked, kWs);
  EXPECT_THAT(r.status().message(), HasSubstr(kWs));
  EXPECT_THAT(r.status().message(), HasSubstr("still running"));
  EXPECT_EQ(time_.TotalSlept(), absl::Seconds(35));
}

class CancellingSleeper : public Sleeper {
 public:
  explicit CancellingSleeper(CancellationSource* s) : source_(s) {}
  bool Sleep(absl::Duration, const CancellationToken& cancel) override {
    source_->Cancel();
    return cancel.IsCancelled();
  }
  CancellationSource* source_;
};

TEST_F(ArmClientTest, CancellationStopsRetries) {
  CancellationSource source;
  CancellingSleeper sleeper(&source);
  options_.sleeper = &sleeper;
  transport_->Expect("GET", kWs, ArmErrorResponse(503, "Busy", "still busy"));
  RequestOptions opts;
  opts.cancel = source.Token();
  auto r = client().Get(kWs, kApi, opts);
  EXPECT_TRUE(absl::IsCancelled(r.status())) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("still busy"));
}

TEST_F(ArmClientTest, StopProviderWakesAPollingWaitWithinASecond) {
  options_.clock = &RealTime::Get();
  options_.sleeper = &RealTime::Get();
  transport_->Expect("PUT", kWs,
                     JsonResponse(201, nullptr,
                                  {{"Azure-AsyncOperation", Op("long")},
                                   {"Retry-After", "60"}}));
  CancellationSource source;
  RequestOptions opts;
  opts.cancel = source.Token();
  std::thread stopper([&] {
    absl::SleepFor(absl::Milliseconds(200));
    source.Cancel();
  });
  absl::Time start = absl::Now();
  auto r = client().Put(kWs, kApi, {{"location", "westus"}}, opts);
  absl::Duration took = absl::Now() - start;
  stopper.join();
  EXPECT_TRUE(absl::IsCancelled(r.status())) << r.status();
  EXPECT_LT(took, absl::Seconds(1));
}

TEST_F(ArmClientTest, TokenIsRefreshedMidOperation) {
  // Tokens live 10 minutes and refresh 5 minutes early; a 20-minute LRO
  // must switch tokens while polling.
  auto caching = std::make_shared<CachingCredential>(
      std::make_unique<FakeCredential>(&time_, absl::Minutes(10)), &time_);
  client_ = std::make_unique<ArmClient>(transport_, caching, options_);
  transport_->Expect(
      "PUT", kWs,
      JsonResponse(201, nullptr,
                   {{"Azure-AsyncOperation", Op("t")}, {"Retry-After", "60"}}));
  for (int i = 0; i < 19; ++i) {
    transport_->Expect(
        "GET", "operationStatuses/t",
        JsonResponse(200, {{"status", "InProgress"}}, {{"Retry-After", "60"}}));
  }
  transport_->Expect("GET", "operationStatuses/t",
                     JsonResponse(200, {{"status", "Succeeded"}}));
  transport_->Expect("GET", kWs, JsonResponse(200, {{"name", "ws1"}}));
  ASSERT_TRUE(client().Put(kWs, kApi, {{"location", "westus"}}).ok());
  std::set<std::string> tokens;
  for (const auto& req : transport_->requests()) {
    tokens.insert(*req.headers.Get("Authorization"));
  }
  EXPECT_EQ(tokens.size(), 5u);  // one per 5 minutes of the 21
  EXPECT_EQ(caching->fetches(), 5);
}

TEST_F(ArmClientTest, UnauthorizedRefreshesTheTokenOnce) {
  transport_->Expect("GET", kWs,
                     ArmErrorResponse(401, "ExpiredAuthenticationToken", "e"));
  transport_->Expect("GET", kWs, JsonResponse(200, {{"name", "ws1"}}));
  ASSERT_TRUE(client().Get(kWs, kApi).ok());
  EXPECT_EQ(credential_->invalidations(), 1);
  transport_->Expect("GET", kWs,
                     ArmErrorResponse(401, "InvalidAuthenticationToken", "e"));
  transport_->Expect("GET", kWs,
                     ArmErrorResponse(401, "InvalidAuthenticationToken", "e"));
  EXPECT_TRUE(absl::IsUnauthenticated(client().Get(kWs, kApi).status()));
}

TEST_F(ArmClientTest, CredentialFailureIsReportedAsIs) {
  credential_->FailWith(absl::UnauthenticatedError("no credential worked"));
  auto r = client().Get(kWs, kApi);
  EXPECT_TRUE(absl::IsUnauthenticated(r.status()));
  EXPECT_EQ(transport_->request_count(), 0u);
}

TEST_F(ArmClientTest, NotFoundAfterCreateIsRetriedWithinItsWindow) {
  transport_->Expect("GET", kWs,
                     ArmErrorResponse(404, "ResourceNotFound", "x"));
  transport_->Expect("GET", kWs,
                     ArmErrorResponse(404, "ResourceNotFound", "x"));
  transport_->Expect("GET", kWs, JsonResponse(200, {{"name", "ws1"}}));
  RequestOptions opts;
  opts.retry_rules.push_back(RetryNotFoundAfterCreate(absl::Minutes(1)));
  EXPECT_TRUE(client().Get(kWs, kApi, opts).ok());
  // Outside the window the 404 is final.
  transport_->SetHandler(
      [](const HttpRequest&) -> absl::StatusOr<HttpResponse> {
        return ArmErrorResponse(404, "ResourceNotFound", "x");
      });
  opts.retry_rules = {RetryNotFoundAfterCreate(absl::Seconds(10))};
  auto r = client().Get(kWs, kApi, opts);
  EXPECT_TRUE(absl::IsNotFound(r.status()));
  EXPECT_LE(time_.TotalSlept(), absl::Seconds(3 + 10 + 8));
}

TEST_F(ArmClientTest, PrincipalNotFoundIsRetriedOnlyWhenAsked) {
  std::string ra =
      "/subscriptions/sub/providers/Microsoft.Authorization/"
      "roleAssignments/0000";
  transport_->Expect("PUT", ra,
                     ArmErrorResponse(400, "PrincipalNotFound",
                                      "Principal abc does not exist"));
  EXPECT_TRUE(
      absl::IsInvalidArgument(client().Put(ra, "2022-04-01", {}).status()));
  transport_->Expect("PUT", ra,
                     ArmErrorResponse(400, "PrincipalNotFound",
                                      "Principal abc does not exist"));
  transport_->Expect("PUT", ra,
                     ArmErrorResponse(404, "RoleDefinitionDoesNotExist", "r"));
  transport_->Expect("PUT", ra, JsonResponse(201, {{"name", "0000"}}));
  RequestOptions opts;
  opts.retry_rules = {RetryPrincipalNotFound(),
                      RetryRoleDefinitionNotReplicated()};
  EXPECT_TRUE(client().Put(ra, "2022-04-01", {}, opts).ok());
}

TEST_F(ArmClientTest, PollingUrlsNeverLeaveTheArmEndpoint) {
  transport_->Expect("PUT", kWs,
                     JsonResponse(201, nullptr,
                                  {{"Azure-AsyncOperation",
                                    "https://evil.example/op?api-version=1"}}));
  transport_->Expect("GET", "https://arm.test/op?api-version=1",
                     JsonResponse(200, {{"status", "Succeeded"}}));
  transport_->Expect("GET", kWs, JsonResponse(200, {{"name", "ws1"}}));
  ASSERT_TRUE(client().Put(kWs, kApi, {{"location", "westus"}}).ok());
}

TEST_F(ArmClientTest, TraceLogsRedactSecretsInBodies) {
  std::vector<std::string> lines;
  log::SetSinkForTest([&](auto l) { lines.emplace_back(l); });
  log::SetLevel(log::Level::kTrace);
  transport_->Expect(
      "PUT", kWs,
      JsonResponse(200, {{"properties", {{"accountKey", "AK-very-secret"}}}}));
  nlohmann::json body = {
      {"properties",
       {{"credentials", {{"secrets", {{"key", "KEY-very-secret"}}}}},
        {"adminUserPassword", "PW-very-secret"},
        {"keyVault", "/subscriptions/s/kv"}}}};
  ASSERT_TRUE(client().Put(kWs, kApi, body).ok());
  log::SetSinkForTest(nullptr);
  log::SetLevel(log::Level::kOff);
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_THAT(all, HasSubstr("ARM request"));
  EXPECT_THAT(all, HasSubstr("/subscriptions/s/kv"));  // not a secret
  EXPECT_THAT(all, ::testing::Not(HasSubstr("very-secret")));
  EXPECT_THAT(all, ::testing::Not(HasSubstr("fake-token")));
}

TEST_F(ArmClientTest, ListAllFollowsNextLinkWithItsOwnQuery) {
  const std::string next = absl::StrCat(
      kEndpoint, kWs, "/computes?api-version=2025-06-01&$skipToken=p2");
  transport_->Expect(
      "GET", "/computes",
      JsonResponse(200, {{"value", {{{"name", "a"}}, 7}}, {"nextLink", next}}));
  transport_->Expect("GET", "skipToken=p2",
                     JsonResponse(200, {{"value", {{{"name", "b"}}}}}));
  RequestOptions opts;
  opts.query.emplace_back("$filter", "x eq 'y'");
  std::vector<std::string> names;
  absl::Status s = client().ListAll(absl::StrCat(kWs, "/computes"), kApi, opts,
                                    [&](const nlohmann::json& item) {
                                      names.push_back(item["name"]);
                                      return true;
                                    });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_THAT(names, ElementsAre("a", "b"));  // the non-object 7 is skipped
  ASSERT_EQ(transport_->requests().size(), 2u);
  EXPECT_THAT(transport_->requests()[0].url, HasSubstr("filter"));
  EXPECT_THAT(transport_->requests()[1].url,
              ::testing::Not(HasSubstr("filter")));
}

TEST_F(ArmClientTest, ListAllStopsWhenTheVisitorSaysSoAndOnErrors) {
  transport_->Expect(
      "GET", "/computes",
      JsonResponse(200, {{"value", {{{"name", "a"}}, {{"name", "b"}}}},
                         {"nextLink", absl::StrCat(kEndpoint, "/more")}}));
  int seen = 0;
  ASSERT_TRUE(client()
                  .ListAll(absl::StrCat(kWs, "/computes"), kApi, {},
                           [&](const nlohmann::json&) { return ++seen < 1; })
                  .ok());
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(transport_->requests().size(), 1u);

  transport_->Expect("GET", "/computes",
                     ArmErrorResponse(403, "AuthorizationFailed", "no"));
  absl::Status denied =
      client().ListAll(absl::StrCat(kWs, "/computes"), kApi, {},
                       [](const nlohmann::json&) { return true; });
  EXPECT_FALSE(denied.ok());
  EXPECT_THAT(denied.message(), HasSubstr("AuthorizationFailed"));
}

}  // namespace
}  // namespace secureaml::azure
