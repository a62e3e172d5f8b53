"""What the per-epoch score costs, and its spread (docs/sweeps.md).

    python bench/epoch_score_cost.py RUN_DIR

Times the scorer's set-up and five scores of RUN_DIR's sampling generator (2,000 samples each,
noise seeds 0-4), then prints those FIDs beside minigan.evaluate's protocol FID of the same
generator at n = 10,000 and at n = 2,000 on the seed-0 samples. Last, the cost of the end-of-run
check of best.npz (gan/best.py, BestKeeper.confirm): the floor at n = 10,000 (once), and two
scores of 10,000 samples (best.npz's and the last generator's; here the same generator twice).
"""
import sys
import time

from minigan.data import load_mnist
from minigan.gan.best import SCORE_SEED
from minigan.gan.sampling import draw_samples, load_generator
from minigan.metrics.epoch_score import EpochScorer
from minigan.metrics.protocol import score_samples


def main(run_dir: str) -> None:
    data = load_mnist(verbose=False)
    started = time.perf_counter()
    scorer = EpochScorer(data)
    print(f"scorer set-up: {time.perf_counter() - started:.2f} s")
    generator, arch, latent_dim = load_generator(run_dir, which="last")
    seconds, fids = [], []
    for seed in range(5):
        started = time.perf_counter()
        fids.append(scorer(draw_samples(generator, arch, latent_dim, scorer.n, seed=seed))["fid"])
        seconds.append(time.perf_counter() - started)
    print("one score (draw 2,000 samples and score them), s:", " ".join(f"{s:.2f}" for s in seconds))
    print(f"per-epoch FIDs over noise seeds 0-4: {' '.join(f'{f:.3f}' for f in fids)} (floor {scorer.floor:.3f})")
    full = score_samples(draw_samples(generator, arch, latent_dim, 10_000, seed=0), 10_000)
    print(f"protocol n = 10,000: FID {full['fid']:.3f}, ratio {full['fid_ratio_to_floor']:.2f} (floor {full['fid_floor']:.3f})")
    same = score_samples(draw_samples(generator, arch, latent_dim, 2_000, seed=0), 2_000, data=data)
    print(f"protocol n = 2,000, the seed-0 samples: FID {same['fid']:.3f} against the test set")
    n = scorer.confirm_n
    started = time.perf_counter()
    scorer.floor_at(n)
    floor_s = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(2):
        scorer(draw_samples(generator, arch, latent_dim, n, seed=SCORE_SEED), n=n)
    print(f"end-of-run check at n = {n:,}: floor {floor_s:.2f} s (once), two scores {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1])
