// The torchrun environment contract and a core::RankGroup over LibTorch's c10d: a TCP store for
// the rendezvous (rank 0 serves it) and a Gloo process group for the collectives.
#include "distributed_impl.h"

#include <phaselab/core/error.h>
#include <phaselab/models/distributed.h>

// ProcessGroupGloo.hpp is empty unless the build says Gloo is there; Debian's libtorch_cpu is
// built with it (and links libgloo.so.0), the headers come from libgloo-dev.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace phaselab::models {

namespace {

std::string envOr(const char* name, const std::string& fallback = {})
{
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

long parseInteger(const char* name, const std::string& text, long lo, long hi)
{
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || errno != 0 || end == text.c_str() || *end != '\0' || v < lo || v > hi)
        throw core::InputError(std::string(name) + "=" + text + ": expected an integer in " +
                               std::to_string(lo) + " … " + std::to_string(hi));
    return v;
}

// The first line of an exception's message (c10::Error appends a C++ back-trace).
std::string firstLine(const std::exception& e)
{
    std::string s = e.what();
    const auto nl = s.find('\n');
    if (nl != std::string::npos)
        s.resize(nl);
    return s;
}

bool isLoopback(const std::string& host)
{
    return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

class GlooRankGroup final : public C10dRankGroup {
public:
    GlooRankGroup(const LaunchEnvironment& env)
        : m_rank(env.rank), m_size(env.worldSize), m_timeoutS(env.timeoutSeconds)
    {
        const auto timeout = std::chrono::milliseconds(long(env.timeoutSeconds * 1000));
        try {
            c10d::TCPStoreOptions so;
            so.port = std::uint16_t(env.masterPort);
            so.isServer = env.rank == 0;
            so.numWorkers = std::size_t(env.worldSize);
            so.waitWorkers = true;
            so.timeout = timeout;
            m_store = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, so);

            auto options = c10d::ProcessGroupGloo::Options::create(timeout);
            const std::string ifname = envOr("GLOO_SOCKET_IFNAME");
            if (isLoopback(env.masterAddr))
                options->devices.push_back(
                    c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
            else if (!ifname.empty())
                options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
            else
                options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
            options->threads = 2;
            m_group = c10::make_intrusive<c10d::ProcessGroupGloo>(m_store, m_rank, m_size, options);
        } catch (const std::exception& e) {
            throw core::RankGroupError(
                who() + ": could not join the job at " + env.masterAddr + ":" +
                std::to_string(env.masterPort) + " within " + seconds() + " (" + firstLine(e) +
                (m_rank == 0 ? "); did all " + std::to_string(m_size) +
                                   " ranks start with the same MASTER_ADDR and MASTER_PORT, and "
                                   "is the port free?"
                             : "); is rank 0 running, and MASTER_ADDR/MASTER_PORT the same on "
                               "every rank?"));
        }
    }

    [[nodiscard]] int rank() const override { return m_rank; }
    [[nodiscard]] int size() const override { return m_size; }

    void gather(const std::vector<float>& mine, std::vector<float>& all) override
    {
        run("gather", [&] {
            torch::Tensor in = torch::from_blob(const_cast<float*>(mine.data()),
                                                {std::int64_t(mine.size())}, torch::kFloat32)
                                   .clone();
            std::vector<torch::Tensor> inputs{in};
            std::vector<std::vector<torch::Tensor>> outputs;
            if (m_rank == 0) {
                outputs.resize(1);
                for (int r = 0; r < m_size; ++r)
                    outputs[0].push_back(torch::empty_like(in));
            }
            c10d::GatherOptions o;
            o.rootRank = 0;
            m_group->gather(outputs, inputs, o)->wait();
            if (m_rank == 0) {
                all.resize(mine.size() * std::size_t(m_size));
                for (int r = 0; r < m_size; ++r)
                    std::copy_n(outputs[0][std::size_t(r)].data_ptr<float>(), mine.size(),
                                all.begin() + std::ptrdiff_t(mine.size() * std::size_t(r)));
            }
        });
    }

    void broadcast(std::vector<std::uint8_t>& bytes) override
    {
        run("broadcast", [&] {
            std::vector<torch::Tensor> length{
                torch::full({1}, std::int64_t(bytes.size()), torch::kInt64)};
            m_group->broadcast(length)->wait();
            const std::int64_t n = length[0].item<std::int64_t>();
            if (n == 0) {
                bytes.clear();
                return;
            }
            std::vector<torch::Tensor> data{torch::empty({n}, torch::kUInt8)};
            if (m_rank == 0)
                std::memcpy(data[0].data_ptr<std::uint8_t>(), bytes.data(), std::size_t(n));
            m_group->broadcast(data)->wait();
            if (m_rank != 0)
                bytes.assign(data[0].data_ptr<std::uint8_t>(),
                             data[0].data_ptr<std::uint8_t>() + n);
        });
    }

    bool any(bool mine) override
    {
        bool result = mine;
        run("any", [&] {
            std::vector<torch::Tensor> flag{torch::full({1}, mine ? 1 : 0, torch::kInt32)};
            c10d::AllreduceOptions o;
            o.reduceOp = c10d::ReduceOp::MAX;
            m_group->allreduce(flag, o)->wait();
            result = flag[0].item<int>() != 0;
        });
        return result;
    }

    void barrier() override
    {
        run("barrier", [&] { m_group->barrier()->wait(); });
    }

    void allreduceSum(torch::Tensor& tensor) override
    {
        run("all-reduce", [&] {
            std::vector<torch::Tensor> t{tensor};
            m_group->allreduce(t)->wait();
        });
    }

private:
    std::string seconds() const
    {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g s", m_timeoutS);
        return buf;
    }

    template <class F>
    void run(const char* operation, F&& f)
    {
        if (m_broken)
            throw core::RankGroupError(who() + ": " + operation +
                                       " after an earlier collective failed; the job cannot go on");
        try {
            f();
        } catch (const std::exception& e) {
            m_broken = true;
            throw core::RankGroupError(who() + ": " + operation + " failed (" + firstLine(e) +
                                       "); a peer may have died or not answered within " +
                                       seconds() + " (PHASELAB_DIST_TIMEOUT)");
        }
    }

    int m_rank, m_size;
    double m_timeoutS;
    bool m_broken = false;
    c10::intrusive_ptr<c10d::Store> m_store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> m_group;
};

} // namespace

LaunchEnvironment LaunchEnvironment::fromEnvironment()
{
    LaunchEnvironment env;
    const std::string world = envOr("WORLD_SIZE"), rank = envOr("RANK");
    if (!world.empty())
        env.worldSize = int(parseInteger("WORLD_SIZE", world, 1, 1 << 20));
    if (!rank.empty())
        env.rank = int(parseInteger("RANK", rank, 0, env.worldSize - 1));
    const std::string local = envOr("LOCAL_RANK");
    if (!local.empty())
        env.localRank = int(parseInteger("LOCAL_RANK", local, 0, 1 << 20));
    const std::string timeout = envOr("PHASELAB_DIST_TIMEOUT");
    if (!timeout.empty()) {
        char* end = nullptr;
        const double t = std::strtod(timeout.c_str(), &end);
        if (end == timeout.c_str() || *end != '\0' || !(t > 0) || !std::isfinite(t))
            throw core::InputError("PHASELAB_DIST_TIMEOUT=" + timeout +
                                   ": expected a positive number of seconds");
        env.timeoutSeconds = t;
    }
    env.masterAddr = envOr("MASTER_ADDR");
    const std::string port = envOr("MASTER_PORT");
    if (!port.empty())
        env.masterPort = int(parseInteger("MASTER_PORT", port, 1, 65535));
    if (env.worldSize > 1) {
        if (rank.empty())
            throw core::InputError("WORLD_SIZE=" + world + " but RANK is not set");
        if (env.masterAddr.empty() || port.empty())
            throw core::InputError("WORLD_SIZE=" + world +
                                   " needs MASTER_ADDR and MASTER_PORT (rank 0's host and a free "
                                   "port), as torchrun sets them");
    }
    return env;
}

std::unique_ptr<core::RankGroup> connect(const LaunchEnvironment& env)
{
    if (env.worldSize <= 1)
        return std::make_unique<core::SingleRankGroup>();
    if (env.rank < 0 || env.rank >= env.worldSize)
        throw core::InputError("RANK=" + std::to_string(env.rank) + " is outside WORLD_SIZE=" +
                               std::to_string(env.worldSize));
    if (env.masterAddr.empty() || env.masterPort < 1 || env.masterPort > 65535)
        throw core::InputError("a job of several ranks needs MASTER_ADDR and MASTER_PORT");
    return std::make_unique<GlooRankGroup>(env);
}

} // namespace phaselab::models
