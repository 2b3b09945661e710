// The gradient all-reduce of data-parallel training (docs/distributed.md), timed alone: the
// parameter counts of DGN, MS-D Net and PhaseGAN (all four networks) as float32 buffers summed
// over the ranks by Gloo. Not Google Benchmark: it needs several processes. Without RANK in the
// environment it starts itself as WORLD_SIZE (default 2) local ranks; rank 0 prints one line per
// model: parameters, bytes, mean seconds per all-reduce and the effective bus bandwidth.
#include "distributed_impl.h"

#include <phaselab/models/distributed.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/phasegan.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace phaselab;

namespace {

int launch(int world)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    const std::string port = std::to_string(ntohs(a.sin_port));
    std::vector<pid_t> pids;
    for (int r = 0; r < world; ++r) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::setenv("RANK", std::to_string(r).c_str(), 1);
            ::setenv("WORLD_SIZE", std::to_string(world).c_str(), 1);
            ::setenv("MASTER_ADDR", "127.0.0.1", 1);
            ::setenv("MASTER_PORT", port.c_str(), 1);
            ::execl("/proc/self/exe", "allreduce_bench", nullptr);
            std::_Exit(127);
        }
        pids.push_back(pid);
    }
    int rc = 0;
    for (pid_t p : pids) {
        int status = 0;
        ::waitpid(p, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            rc = 1;
    }
    return rc;
}

} // namespace

int main()
{
    if (!std::getenv("RANK")) {
        const char* w = std::getenv("WORLD_SIZE");
        return launch(w ? std::atoi(w) : 2);
    }
    at::set_num_threads(1);
    auto group = models::connect(models::LaunchEnvironment::fromEnvironment());
    auto* dist = dynamic_cast<models::C10dRankGroup*>(group.get());
    if (!dist)
        return 1;
    const models::PhaseGanOptions gan;
    const std::int64_t ganCount = models::phaseGanGeneratorParameterCount(gan, 1, 2) +
                                  models::phaseGanGeneratorParameterCount(gan, 1, 1) +
                                  models::phaseGanDiscriminatorParameterCount(gan, 2) +
                                  models::phaseGanDiscriminatorParameterCount(gan, 1);
    const std::pair<const char*, std::int64_t> models[] = {
        {"dgn", models::parameterCount(models::DgnOptions{})},
        {"msd", models::parameterCount(models::MsdOptions{})},
        {"phasegan (G_O+G_D+D_O+D_D)", ganCount}};
    for (const auto& [name, count] : models) {
        torch::Tensor t = torch::ones({count + 2}, torch::kFloat32);  // + loss sum and stop flag
        const int reps = count > 10'000'000 ? 5 : 200;
        for (int i = 0; i < 10; ++i)
            dist->allreduceSum(t);  // warm-up: connections, buffers
        group->barrier();
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < reps; ++i)
            dist->allreduceSum(t);
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / reps;
        if (group->rank() == 0) {
            const double bytes = 4.0 * double(count + 2);
            // Ring all-reduce moves 2(W−1)/W of the buffer through each rank's link.
            const double bus = 2.0 * (group->size() - 1) / group->size() * bytes / s;
            std::printf("%-28s %10lld parameters %12.0f bytes  %.3g s per all-reduce  %.3g GB/s bus\n",
                        name, static_cast<long long>(count), bytes, s, bus / 1e9);
        }
    }
    group->barrier();
    return 0;
}
