"""A GAN of two MLPs on MNIST, written the way the well-known one-file PyTorch GANs are written
(Variable, Tensor = FloatTensor, BatchNorm1d(n, 0.8), LeakyReLU(0.2, inplace=True), BCELoss on
a Sigmoid's output). Only the import lines name minigan; with the PyTorch imports written beside
them swapped in, the file runs on PyTorch and torchvision.

    python examples/pytorch/gan.py --data-root data --n-epochs 1 --max-steps 200 --out images

It prints one line per batch and writes OUT/<batches done>.png (25 samples) every
--sample-interval batches, and OUT/generator.pth and OUT/discriminator.pth at the end.
"""
import argparse
import os

import numpy as np

import minigan as torch                           # import torch
import minigan.nn as nn                           # import torch.nn as nn
from minigan.autograd import Variable             # from torch.autograd import Variable
from minigan.utils.data import DataLoader         # from torch.utils.data import DataLoader
from minigan.vision import datasets, transforms   # from torchvision import datasets, transforms
from minigan.vision.utils import save_image       # from torchvision.utils import save_image

parser = argparse.ArgumentParser(description="A GAN of two MLPs on MNIST.")
parser.add_argument("--n-epochs", type=int, default=200, help="number of epochs of training")
parser.add_argument("--max-steps", type=int, default=0, help="stop after this many batches (0: no limit)")
parser.add_argument("--batch-size", type=int, default=64, help="size of the batches")
parser.add_argument("--lr", type=float, default=0.0002, help="adam: learning rate")
parser.add_argument("--b1", type=float, default=0.5, help="adam: decay of first order momentum of gradient")
parser.add_argument("--b2", type=float, default=0.999, help="adam: decay of first order momentum of gradient")
parser.add_argument("--latent-dim", type=int, default=100, help="dimensionality of the latent space")
parser.add_argument("--img-size", type=int, default=28, help="size of each image dimension")
parser.add_argument("--channels", type=int, default=1, help="number of image channels")
parser.add_argument("--sample-interval", type=int, default=400, help="interval between image samples")
parser.add_argument("--data-root", default="data/mnist", help="where MNIST is (or goes)")
parser.add_argument("--out", default="images", help="folder for the sample grids and checkpoints")
parser.add_argument("--seed", type=int, default=0, help="random seed")
opt = parser.parse_args()
print(opt)

os.makedirs(opt.out, exist_ok=True)
np.random.seed(opt.seed)
torch.manual_seed(opt.seed)

img_shape = (opt.channels, opt.img_size, opt.img_size)

cuda = True if torch.cuda.is_available() else False


class Generator(nn.Module):
    def __init__(self):
        super(Generator, self).__init__()

        def block(in_feat, out_feat, normalize=True):
            layers = [nn.Linear(in_feat, out_feat)]
            if normalize:
                layers.append(nn.BatchNorm1d(out_feat, 0.8))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            return layers

        self.model = nn.Sequential(
            *block(opt.latent_dim, 128, normalize=False),
            *block(128, 256),
            *block(256, 512),
            *block(512, 1024),
            nn.Linear(1024, int(np.prod(img_shape))),
            nn.Tanh()
        )

    def forward(self, z):
        img = self.model(z)
        img = img.view(img.size(0), *img_shape)
        return img


class Discriminator(nn.Module):
    def __init__(self):
        super(Discriminator, self).__init__()

        self.model = nn.Sequential(
            nn.Linear(int(np.prod(img_shape)), 512),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(512, 256),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(256, 1),
            nn.Sigmoid(),
        )

    def forward(self, img):
        img_flat = img.view(img.size(0), -1)
        validity = self.model(img_flat)
        return validity


# Loss function
adversarial_loss = torch.nn.BCELoss()

# Initialize generator and discriminator
generator = Generator()
discriminator = Discriminator()

if cuda:
    generator.cuda()
    discriminator.cuda()
    adversarial_loss.cuda()

dataloader = DataLoader(
    datasets.MNIST(
        opt.data_root,
        train=True,
        download=True,
        transform=transforms.Compose(
            [transforms.Resize(opt.img_size), transforms.ToTensor(), transforms.Normalize([0.5], [0.5])]
        ),
    ),
    batch_size=opt.batch_size,
    shuffle=True,
)

# Optimizers
optimizer_G = torch.optim.Adam(generator.parameters(), lr=opt.lr, betas=(opt.b1, opt.b2))
optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=opt.lr, betas=(opt.b1, opt.b2))

Tensor = torch.cuda.FloatTensor if cuda else torch.FloatTensor

# ----------
#  Training
# ----------

batches_done = 0
for epoch in range(opt.n_epochs):
    for i, (imgs, _) in enumerate(dataloader):

        # Adversarial ground truths
        valid = Variable(Tensor(imgs.size(0), 1).fill_(1.0), requires_grad=False)
        fake = Variable(Tensor(imgs.size(0), 1).fill_(0.0), requires_grad=False)

        # Configure input
        real_imgs = Variable(imgs.type(Tensor))

        # -----------------
        #  Train Generator
        # -----------------

        optimizer_G.zero_grad()

        # Sample noise as generator input
        z = Variable(Tensor(np.random.normal(0, 1, (imgs.shape[0], opt.latent_dim))))

        # Generate a batch of images
        gen_imgs = generator(z)

        # Loss measures generator's ability to fool the discriminator
        g_loss = adversarial_loss(discriminator(gen_imgs), valid)

        g_loss.backward()
        optimizer_G.step()

        # ---------------------
        #  Train Discriminator
        # ---------------------

        optimizer_D.zero_grad()

        # Measure discriminator's ability to classify real from generated samples
        real_loss = adversarial_loss(discriminator(real_imgs), valid)
        fake_loss = adversarial_loss(discriminator(gen_imgs.detach()), fake)
        d_loss = (real_loss + fake_loss) / 2

        d_loss.backward()
        optimizer_D.step()

        print(
            "[Epoch %d/%d] [Batch %d/%d] [D loss: %f] [G loss: %f]"
            % (epoch, opt.n_epochs, i, len(dataloader), d_loss.item(), g_loss.item())
        )

        if batches_done % opt.sample_interval == 0:
            save_image(gen_imgs.data[:25], os.path.join(opt.out, "%d.png" % batches_done), nrow=5, normalize=True)
        batches_done += 1
        if opt.max_steps and batches_done >= opt.max_steps:
            break
    if opt.max_steps and batches_done >= opt.max_steps:
        break

save_image(gen_imgs.data[:25], os.path.join(opt.out, "final.png"), nrow=5, normalize=True)
torch.save(generator.state_dict(), os.path.join(opt.out, "generator.pth"))
torch.save(discriminator.state_dict(), os.path.join(opt.out, "discriminator.pth"))
