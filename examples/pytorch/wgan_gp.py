"""WGAN-GP on MNIST, written the way the well-known one-file PyTorch GANs are written: an MLP
critic without a sigmoid, the gradient penalty taken with autograd.grad(..., create_graph=True)
at random points between real and generated images, n_critic critic steps per generator step,
Adam (or RMSprop with --optimizer rmsprop). Only the import lines name minigan; with the PyTorch
imports written beside them swapped in, the file runs on PyTorch and torchvision.

    python examples/pytorch/wgan_gp.py --data-root data --n-epochs 1 --max-steps 500 --out images

It prints one line per generator step and writes OUT/<batches done>.png every --sample-interval
batches, and OUT/generator.pth and OUT/critic.pth at the end.
"""
import argparse
import os

import numpy as np

import minigan as torch                           # import torch
import minigan.autograd as autograd               # import torch.autograd as autograd
import minigan.nn as nn                           # import torch.nn as nn
from minigan.autograd import Variable             # from torch.autograd import Variable
from minigan.utils.data import DataLoader         # from torch.utils.data import DataLoader
from minigan.vision import datasets, transforms   # from torchvision import datasets, transforms
from minigan.vision.utils import save_image       # from torchvision.utils import save_image

parser = argparse.ArgumentParser(description="WGAN-GP on MNIST.")
parser.add_argument("--n-epochs", type=int, default=200, help="number of epochs of training")
parser.add_argument("--max-steps", type=int, default=0, help="stop after this many batches (0: no limit)")
parser.add_argument("--batch-size", type=int, default=64, help="size of the batches")
parser.add_argument("--optimizer", default="adam", choices=("adam", "rmsprop"), help="optimizer of both nets")
parser.add_argument("--lr", type=float, default=0.0002, help="learning rate")
parser.add_argument("--b1", type=float, default=0.5, help="adam: decay of first order momentum of gradient")
parser.add_argument("--b2", type=float, default=0.999, help="adam: decay of first order momentum of gradient")
parser.add_argument("--latent-dim", type=int, default=100, help="dimensionality of the latent space")
parser.add_argument("--img-size", type=int, default=28, help="size of each image dimension")
parser.add_argument("--channels", type=int, default=1, help="number of image channels")
parser.add_argument("--n-critic", type=int, default=5, help="number of training steps for discriminator per iter")
parser.add_argument("--lambda-gp", type=float, default=10.0, help="weight of the gradient penalty")
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
        img = img.view(img.shape[0], *img_shape)
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
        )

    def forward(self, img):
        img_flat = img.view(img.shape[0], -1)
        validity = self.model(img_flat)
        return validity


# Initialize generator and discriminator
generator = Generator()
discriminator = Discriminator()

if cuda:
    generator.cuda()
    discriminator.cuda()

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
if opt.optimizer == "adam":
    optimizer_G = torch.optim.Adam(generator.parameters(), lr=opt.lr, betas=(opt.b1, opt.b2))
    optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=opt.lr, betas=(opt.b1, opt.b2))
else:
    optimizer_G = torch.optim.RMSprop(generator.parameters(), lr=opt.lr)
    optimizer_D = torch.optim.RMSprop(discriminator.parameters(), lr=opt.lr)

Tensor = torch.cuda.FloatTensor if cuda else torch.FloatTensor


def compute_gradient_penalty(D, real_samples, fake_samples):
    """Calculates the gradient penalty loss for WGAN GP"""
    # Random weight term for interpolation between real and fake samples
    alpha = Tensor(np.random.random((real_samples.size(0), 1, 1, 1)))
    # Get random interpolation between real and fake samples
    interpolates = (alpha * real_samples + ((1 - alpha) * fake_samples)).requires_grad_(True)
    d_interpolates = D(interpolates)
    fake = Variable(Tensor(real_samples.shape[0], 1).fill_(1.0), requires_grad=False)
    # Get gradient w.r.t. interpolates
    gradients = autograd.grad(
        outputs=d_interpolates,
        inputs=interpolates,
        grad_outputs=fake,
        create_graph=True,
        retain_graph=True,
        only_inputs=True,
    )[0]
    gradients = gradients.view(gradients.size(0), -1)
    gradient_penalty = ((gradients.norm(2, dim=1) - 1) ** 2).mean()
    return gradient_penalty


# ----------
#  Training
# ----------

batches_done = 0
for epoch in range(opt.n_epochs):
    for i, (imgs, _) in enumerate(dataloader):

        # Configure input
        real_imgs = Variable(imgs.type(Tensor))

        # ---------------------
        #  Train Discriminator
        # ---------------------

        optimizer_D.zero_grad()

        # Sample noise as generator input
        z = Variable(Tensor(np.random.normal(0, 1, (imgs.shape[0], opt.latent_dim))))

        # Generate a batch of images
        fake_imgs = generator(z)

        # Real images
        real_validity = discriminator(real_imgs)
        # Fake images
        fake_validity = discriminator(fake_imgs)
        # Gradient penalty
        gradient_penalty = compute_gradient_penalty(discriminator, real_imgs.data, fake_imgs.data)
        # Adversarial loss
        d_loss = -torch.mean(real_validity) + torch.mean(fake_validity) + opt.lambda_gp * gradient_penalty

        d_loss.backward()
        optimizer_D.step()

        optimizer_G.zero_grad()

        # Train the generator every n_critic steps
        if i % opt.n_critic == 0:

            # -----------------
            #  Train Generator
            # -----------------

            # Generate a batch of images
            fake_imgs = generator(z)
            # Loss measures generator's ability to fool the discriminator
            # Train on fake images
            fake_validity = discriminator(fake_imgs)
            g_loss = -torch.mean(fake_validity)

            g_loss.backward()
            optimizer_G.step()

            print(
                "[Epoch %d/%d] [Batch %d/%d] [D loss: %f] [G loss: %f] [GP: %f]"
                % (epoch, opt.n_epochs, i, len(dataloader), d_loss.item(), g_loss.item(), gradient_penalty.item())
            )

            if batches_done % opt.sample_interval == 0:
                save_image(fake_imgs.data[:25], os.path.join(opt.out, "%d.png" % batches_done), nrow=5,
                           normalize=True)

            batches_done += opt.n_critic
        if opt.max_steps and epoch * len(dataloader) + i + 1 >= opt.max_steps:
            break
    if opt.max_steps and epoch * len(dataloader) + i + 1 >= opt.max_steps:
        break

save_image(fake_imgs.data[:25], os.path.join(opt.out, "final.png"), nrow=5, normalize=True)
torch.save(generator.state_dict(), os.path.join(opt.out, "generator.pth"))
torch.save(discriminator.state_dict(), os.path.join(opt.out, "critic.pth"))
