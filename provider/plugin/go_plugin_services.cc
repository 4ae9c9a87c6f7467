#include "provider/plugin/go_plugin_services.h"

#include <utility>

#include "provider/common/logging.h"

namespace secureaml::plugin {

bool StopLatch::Trigger(std::string reason) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (triggered_) return false;
    triggered_ = true;
    reason_ = std::move(reason);
  }
  cv_.notify_all();
  return true;
}

std::string StopLatch::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return triggered_; });
  return reason_;
}

bool StopLatch::triggered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return triggered_;
}

grpc::Status ControllerService::Shutdown(grpc::ServerContext* /*context*/,
                                         const ::plugin::Empty* /*request*/,
                                         ::plugin::Empty* /*response*/) {
  log::Debug("plugin shutdown requested by host");
  if (on_shutdown_) on_shutdown_();
  latch_->Trigger("GRPCController.Shutdown");
  return grpc::Status::OK;
}

grpc::Status StdioService::StreamStdio(
    grpc::ServerContext* /*context*/,
    const google::protobuf::Empty* /*request*/,
    grpc::ServerWriter<::plugin::StdioData>* /*writer*/) {
  return grpc::Status::OK;
}

}  // namespace secureaml::plugin
