#include "tests/emulator/http.h"

#include <random>

#include "gtest/gtest.h"

namespace secureaml::emulator {
namespace {

TEST(ParseHttpRequest, ContentLengthBodyAndQuery) {
  std::string wire =
      "PUT /subscriptions/x/resourceGroups/a%20b?api-version=2025-04-01&x=%2F "
      "HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nContent-Length: 4\r\nX-Ms-Thing: v \r\n\r\nbodyEXTRA";
  ParseResult r = ParseHttpRequest(wire, 100);
  ASSERT_EQ(r.outcome, ParseOutcome::kComplete);
  EXPECT_EQ(r.request.method, "PUT");
  EXPECT_EQ(r.request.path, "/subscriptions/x/resourceGroups/a b");
  EXPECT_EQ(*r.request.Query("API-VERSION"), "2025-04-01");
  EXPECT_EQ(*r.request.Query("x"), "/");
  EXPECT_EQ(r.request.Header("x-ms-thing"), "v");
  EXPECT_EQ(r.request.body, "body");
  EXPECT_EQ(r.consumed, wire.size() - 5);
  EXPECT_TRUE(r.request.keep_alive);
}

TEST(ParseHttpRequest, IncompleteUntilAllBytesArrive) {
  std::string wire = "POST /t HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345";
  EXPECT_EQ(ParseHttpRequest(wire, 100).outcome, ParseOutcome::kIncomplete);
  EXPECT_EQ(ParseHttpRequest("GET / HTTP/1.1\r\nHost: x\r\n", 100).outcome,
            ParseOutcome::kIncomplete);
  wire += "67890";
  EXPECT_EQ(ParseHttpRequest(wire, 100).outcome, ParseOutcome::kComplete);
}

TEST(ParseHttpRequest, ChunkedBody) {
  std::string wire =
      "POST /t HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: x\r\n\r\n";
  ParseResult r = ParseHttpRequest(wire, 100);
  ASSERT_EQ(r.outcome, ParseOutcome::kComplete);
  EXPECT_EQ(r.request.body, "Wikipedia");
  EXPECT_EQ(r.consumed, wire.size());
  EXPECT_EQ(ParseHttpRequest(wire.substr(0, wire.size() - 3), 100).outcome,
            ParseOutcome::kIncomplete);
}

TEST(ParseHttpRequest, PipelinedRequests) {
  std::string wire =
      "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nConnection: close\r\n\r\n";
  ParseResult a = ParseHttpRequest(wire, 100);
  ASSERT_EQ(a.outcome, ParseOutcome::kComplete);
  ParseResult b =
      ParseHttpRequest(absl::string_view(wire).substr(a.consumed), 100);
  ASSERT_EQ(b.outcome, ParseOutcome::kComplete);
  EXPECT_EQ(b.request.path, "/b");
  EXPECT_FALSE(b.request.keep_alive);
}

TEST(ParseHttpRequest, Rejections) {
  struct Case {
    const char* wire;
    int status;
  } cases[] = {
      {"GET\r\n\r\n", 400},
      {"GET http://x/ HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET / FOO/1.1\r\n\r\n", 400},
      {"G(T / HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
       400},
      {"POST / HTTP/1.1\r\nContent-Length: 99999\r\n\r\n", 413},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: "
       "3\r\n\r\n",
       400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
       400},
  };
  for (const Case& c : cases) {
    ParseResult r = ParseHttpRequest(c.wire, 1000);
    EXPECT_EQ(r.outcome, ParseOutcome::kError) << c.wire;
    EXPECT_EQ(r.error_status, c.status) << c.wire;
  }
}

TEST(ParseHttpRequest, HugeHeadersAreRejected) {
  std::string wire = "GET / HTTP/1.1\r\nA: " + std::string(70000, 'a');
  EXPECT_EQ(ParseHttpRequest(wire, 100).error_status, 431);
}

// Random and mutated inputs must never crash or read out of bounds (run
// under ASan in CI with SECUREAML_SANITIZE).
TEST(ParseHttpRequest, FuzzNeverCrashes) {
  std::mt19937 rng(7);
  const std::string seed =
      "PUT /subscriptions/x?api-version=1 HTTP/1.1\r\nTransfer-Encoding: "
      "chunked\r\n"
      "Content-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
  for (int i = 0; i < 20000; ++i) {
    std::string s = seed;
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % (s.size() + 1);
      switch (rng() % 3) {
        case 0:
          if (pos < s.size()) s[pos] = static_cast<char>(rng());
          break;
        case 1:
          s.insert(pos, 1, static_cast<char>(rng()));
          break;
        default:
          if (pos < s.size()) s.erase(pos, 1 + rng() % 4);
      }
    }
    ParseResult r = ParseHttpRequest(s, 64);
    if (r.outcome == ParseOutcome::kComplete) {
      EXPECT_LE(r.consumed, s.size());
      EXPECT_LE(r.request.body.size(), 64u);
    }
  }
}

TEST(SerializeResponse, ExplicitZeroContentLength) {
  HttpResponse r;
  r.status = 200;
  std::string wire = SerializeResponse(r, true, false);
  EXPECT_NE(wire.find("Content-Length: 0\r\n"), std::string::npos);
  r.status = 204;
  wire = SerializeResponse(r, false, false);
  EXPECT_EQ(wire.find("Content-Length"), std::string::npos);
  EXPECT_NE(wire.find("Connection: close"), std::string::npos);
}

TEST(PercentCoding, RoundTrip) {
  EXPECT_EQ(PercentDecode(PercentEncode("a b/c?d=é"), false), "a b/c?d=é");
  EXPECT_EQ(PercentDecode("a+b%2", true), "a b%2");
  KeyValues q = ParseQueryString("a=1&b&&c=x%3Dy");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[2].second, "x=y");
}

}  // namespace
}  // namespace secureaml::emulator
