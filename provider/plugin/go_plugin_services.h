// File: go_plugin_services.h
//
// The go-plugin side services every plugin serves next to the provider:
//  - plugin.GRPCController/Shutdown: the host says goodbye; we answer, then
//    the serve loop stops the server from another thread (stopping inside a
//    sync handler would deadlock) and the process exits.
//  - plugin.GRPCStdio/StreamStdio: Go plugins forward redirected stdout and
//    stderr here. We log straight to fd 2, so the stream ends at once, which
//    the host accepts and which never holds up shutdown.
#ifndef SECUREAML_PROVIDER_PLUGIN_GO_PLUGIN_SERVICES_H_
#define SECUREAML_PROVIDER_PLUGIN_GO_PLUGIN_SERVICES_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

#include "proto/grpc_controller.grpc.pb.h"
#include "proto/grpc_stdio.grpc.pb.h"

namespace secureaml::plugin {

// A one-shot "stop serving" latch shared by the controller, the signal
// thread and the serve loop.
class StopLatch {
 public:
  // Returns false if already triggered (the first reason wins).
  bool Trigger(std::string reason);
  // Blocks until triggered; returns the reason.
  std::string Wait();
  bool triggered() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool triggered_ = false;
  std::string reason_;
};

class ControllerService final : public ::plugin::GRPCController::Service {
 public:
  // `on_shutdown` runs inside the RPC, before the reply (e.g. to cancel
  // in-flight provider work); it must not block.
  ControllerService(StopLatch* latch, std::function<void()> on_shutdown)
      : latch_(latch), on_shutdown_(std::move(on_shutdown)) {}

  grpc::Status Shutdown(grpc::ServerContext* context,
                        const ::plugin::Empty* request,
                        ::plugin::Empty* response) override;

 private:
  StopLatch* latch_;
  std::function<void()> on_shutdown_;
};

class StdioService final : public ::plugin::GRPCStdio::Service {
 public:
  grpc::Status StreamStdio(
      grpc::ServerContext* context, const google::protobuf::Empty* request,
      grpc::ServerWriter<::plugin::StdioData>* writer) override;
};

}  // namespace secureaml::plugin

#endif  // SECUREAML_PROVIDER_PLUGIN_GO_PLUGIN_SERVICES_H_
