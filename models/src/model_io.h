#pragma once
// Model files, checkpoints, devices and tensor conversions shared by training and inference.

#include "network.h"
#include "torch_pch.h"

#include <nlohmann/json.hpp>

#include <string>

namespace phaselab::models {

/// The format tags written into model files and checkpoints.
inline constexpr const char* kModelFormat = "phaselab-model";
inline constexpr const char* kCheckpointFormat = "phaselab-checkpoint";
inline constexpr int kFormatVersion = 1;

/// "auto" (CUDA when available, else CPU) | "cpu" | "cuda". Throws core::InputError for an
/// unknown name or for "cuda" when no CUDA device is usable.
torch::Device resolveDevice(const std::string& text);
/// "cpu" or "cuda:<index>".
std::string deviceName(const torch::Device& device);

/// Writes `archive` to `path` atomically (temporary sibling, fsync, rename).
void saveArchive(torch::serialize::OutputArchive& archive, const std::string& path);
/// Loads `path` into `archive` (tensors mapped to `device`); throws core::InputError naming the
/// file when it is missing or not a LibTorch archive.
void loadArchive(torch::serialize::InputArchive& archive, const std::string& path,
                 const torch::Device& device = torch::kCPU);

/// A JSON document stored as a string attribute of an archive.
void writeJson(torch::serialize::OutputArchive& archive, const std::string& key,
               const nlohmann::json& value);
/// Throws core::InputError naming `path` when the key is missing or not JSON.
nlohmann::json readJson(torch::serialize::InputArchive& archive, const std::string& key,
                        const std::string& path);

/// Weights (parameters and buffers) of a network as a nested archive, and back.
void saveWeights(const torch::nn::Module& net, torch::serialize::OutputArchive& archive,
                 const std::string& key);
void loadWeights(torch::nn::Module& net, torch::serialize::InputArchive& archive,
                 const std::string& key, const std::string& path);
/// Copies parameters and buffers of `from` into `to` (same architecture; any devices).
void copyWeights(const NetworkImpl& from, NetworkImpl& to);

/// A fresh network for the method and architecture recorded in a model file's or checkpoint's
/// metadata, with its physics set.
Network networkFromMetadata(const nlohmann::json& meta, const std::string& path);

/// Writes a model file atomically: `metadata` (completed with format, method, architecture,
/// parameter count and normalisation from `net`) and the weights.
void writeModelFile(const std::string& path, const NetworkImpl& net, nlohmann::json metadata);

/// Host images → [N, C, H, W] float tensor on a device (copies).
torch::Tensor hostToTensor(const float* data, std::int64_t n, std::int64_t c, std::int64_t h,
                           std::int64_t w, const torch::Device& device);

} // namespace phaselab::models
