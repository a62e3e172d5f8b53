"""The classic 3-layer GAN tutorial, written the PyTorch way and run on minigan.

G 100-256-256-784 (ReLU, sigmoid output) against D 784-64-64-1 (LeakyReLU 0.2, sigmoid output),
binary cross-entropy, Adam at 2e-4 with PyTorch's default betas, MNIST in [0, 1]. Only the import
lines differ from the PyTorch version: the PyTorch import is written beside each one, and with
those swapped in the same file runs on PyTorch and torchvision.

    python examples/tutorial_gan.py                        # MNIST (see minigan/data/mnist/), 30 epochs
    python examples/tutorial_gan.py --epochs 1 --data-dir DIR   # the IDX files in DIR or DIR/MNIST/raw

It prints the tutorial's log line every --log-every steps and writes G.pt and D.pt (the two
state_dicts) and samples.png (an 8x8 grid of G's digits) in the current directory;
G.load_state_dict(torch.load("G.pt")) restores G, and
python -m minigan.sample --checkpoint G.pt --arch seed --out samples.png draws a grid from it.
"""
import argparse

import minigan as torch                      # import torch
import minigan.nn as nn                      # import torch.nn as nn
import minigan.optim as optim                # import torch.optim as optim
from minigan.data import DataLoader          # from torch.utils.data import DataLoader
from minigan.data import MNIST               # from torchvision.datasets import MNIST
from minigan.data import transforms          # from torchvision import transforms
from minigan.viz import save_image           # from torchvision.utils import save_image

parser = argparse.ArgumentParser(description="The classic 3-layer GAN tutorial on MNIST.")
parser.add_argument("--data-dir", default="data", help="MNIST root directory (default: data)")
parser.add_argument("--epochs", type=int, default=30, help="passes over the data (default: 30)")
parser.add_argument("--batch-size", type=int, default=100, help="images per step (default: 100)")
parser.add_argument("--log-every", type=int, default=200, help="steps between log lines (default: 200)")
parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
args = parser.parse_args()

torch.manual_seed(args.seed)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

latent_size = 100
hidden_size = 256
image_size = 784

dataset = MNIST(root=args.data_dir, train=True, transform=transforms.ToTensor(), download=True)
loader = DataLoader(dataset=dataset, batch_size=args.batch_size, shuffle=True)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(in_features=latent_size, out_features=hidden_size)
        self.fc2 = nn.Linear(in_features=hidden_size, out_features=hidden_size)
        self.fc3 = nn.Linear(in_features=hidden_size, out_features=image_size)
        self.relu = nn.ReLU()
        self.sigmoid = nn.Sigmoid()

    def forward(self, z):
        x = self.relu(self.fc1(z))
        x = self.relu(self.fc2(x))
        return self.sigmoid(self.fc3(x))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(in_features=image_size, out_features=64)
        self.fc2 = nn.Linear(in_features=64, out_features=64)
        self.fc3 = nn.Linear(in_features=64, out_features=1)
        self.leaky_relu = nn.LeakyReLU(0.2)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        x = self.leaky_relu(self.fc1(x))
        x = self.leaky_relu(self.fc2(x))
        return self.sigmoid(self.fc3(x))


G = Generator().to(device)
D = Discriminator().to(device)
criterion = nn.BCELoss()
d_optimizer = optim.Adam(D.parameters(), lr=0.0002)
g_optimizer = optim.Adam(G.parameters(), lr=0.0002)


def train_gan(real_data, fake_data):
    """One discriminator step and one generator step; returns the two losses and D's outputs."""
    n = real_data.size(0)
    real_labels = torch.ones(n, 1).to(device)
    fake_labels = torch.zeros(n, 1).to(device)

    # Discriminator: real images towards 1, generated ones towards 0 (no gradient into G here).
    d_optimizer.zero_grad()
    real_score = D(real_data)
    fake_score = D(fake_data.detach())
    d_loss = criterion(real_score, real_labels) + criterion(fake_score, fake_labels)
    d_loss.backward()
    d_optimizer.step()

    # Generator: make D call its images real.
    g_optimizer.zero_grad()
    g_loss = criterion(D(fake_data), real_labels)
    g_loss.backward()
    g_optimizer.step()
    return d_loss, g_loss, real_score, fake_score


total_step = len(loader)
for epoch in range(args.epochs):
    for i, (images, _) in enumerate(loader):
        real_data = images.view(images.size(0), -1).to(device)
        z = torch.randn(images.size(0), latent_size).to(device)
        fake_data = G(z)
        d_loss, g_loss, real_score, fake_score = train_gan(real_data, fake_data)
        if (i + 1) % args.log_every == 0:
            print(f"Epoch [{epoch + 1}/{args.epochs}], Step [{i + 1}/{total_step}], "
                  f"d_loss: {d_loss.item():.4f}, g_loss: {g_loss.item():.4f}, "
                  f"D(x): {real_score.mean().item():.2f}, D(G(z)): {fake_score.mean().item():.2f}")

torch.save(G.state_dict(), "G.pt")
torch.save(D.state_dict(), "D.pt")
with torch.no_grad():
    samples = G(torch.randn(64, latent_size).to(device))
save_image(samples.view(64, 1, 28, 28), "samples.png", nrow=8)
