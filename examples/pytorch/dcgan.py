"""DCGAN on MNIST in the shape of the pytorch/examples DCGAN: transposed convolutions without bias,
BatchNorm2d and ReLU(True) up to a Tanh image, a mirrored discriminator with LeakyReLU(0.2,
inplace=True) ending in a Sigmoid, weights_init applied with model.apply, BCELoss, Adam at 2e-4
with beta1 0.5, save_image of real and fake grids and torch.save of both state_dicts each epoch.
Only the import lines name minigan; with the PyTorch imports written beside them swapped in, the
file runs on PyTorch and torchvision.

    python examples/pytorch/dcgan.py --data-root data --image-size 32 --n-epochs 1 --max-steps 100

--image-size is 32 or 64 (MNIST is resized from 28); --ngf/--ndf set the widths (64 in the
original). --netG/--netD continue from saved state_dicts.
"""
import argparse
import os
import random

import minigan as torch                           # import torch
import minigan.nn as nn                           # import torch.nn as nn
import minigan.optim as optim                     # import torch.optim as optim
import minigan.utils.data                         # import torch.utils.data
import minigan.vision.datasets as dset            # import torchvision.datasets as dset
import minigan.vision.transforms as transforms    # import torchvision.transforms as transforms
import minigan.vision.utils as vutils             # import torchvision.utils as vutils

parser = argparse.ArgumentParser(description="DCGAN on MNIST.")
parser.add_argument("--data-root", default="data", help="where MNIST is (or goes)")
parser.add_argument("--batch-size", type=int, default=64, help="input batch size")
parser.add_argument("--image-size", type=int, default=32, choices=(32, 64), help="height / width of the images")
parser.add_argument("--nz", type=int, default=100, help="size of the latent z vector")
parser.add_argument("--ngf", type=int, default=64, help="number of generator filters")
parser.add_argument("--ndf", type=int, default=64, help="number of discriminator filters")
parser.add_argument("--n-epochs", type=int, default=25, help="number of epochs to train for")
parser.add_argument("--max-steps", type=int, default=0, help="stop after this many iterations (0: no limit)")
parser.add_argument("--lr", type=float, default=0.0002, help="learning rate")
parser.add_argument("--beta1", type=float, default=0.5, help="beta1 for adam")
parser.add_argument("--netG", default="", help="path to netG (to continue training)")
parser.add_argument("--netD", default="", help="path to netD (to continue training)")
parser.add_argument("--outf", default=".", help="folder to output images and model checkpoints")
parser.add_argument("--log-every", type=int, default=1, help="iterations between log lines")
parser.add_argument("--manual-seed", type=int, default=None, help="manual seed")
opt = parser.parse_args()
print(opt)

os.makedirs(opt.outf, exist_ok=True)

if opt.manual_seed is None:
    opt.manual_seed = random.randint(1, 10000)
print("Random Seed: ", opt.manual_seed)
random.seed(opt.manual_seed)
torch.manual_seed(opt.manual_seed)

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

dataset = dset.MNIST(root=opt.data_root, download=True,
                     transform=transforms.Compose([
                         transforms.Resize(opt.image_size),
                         transforms.ToTensor(),
                         transforms.Normalize((0.5,), (0.5,)),
                     ]))
nc = 1
dataloader = torch.utils.data.DataLoader(dataset, batch_size=opt.batch_size, shuffle=True)

nz, ngf, ndf = opt.nz, opt.ngf, opt.ndf
mult = opt.image_size // 8  # 4 for 32x32, 8 for 64x64: the widest layer is ngf * mult


# custom weights initialization called on netG and netD
def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Conv') != -1:
        m.weight.data.normal_(0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        m.weight.data.normal_(1.0, 0.02)
        m.bias.data.fill_(0)


class Generator(nn.Module):
    def __init__(self):
        super(Generator, self).__init__()
        # input is Z, going into a convolution; state size (ngf*mult) x 4 x 4
        layers = [nn.ConvTranspose2d(nz, ngf * mult, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * mult), nn.ReLU(True)]
        width, size = mult, 4
        while size * 2 < opt.image_size:  # double the size, halve the width
            layers += [nn.ConvTranspose2d(ngf * width, ngf * width // 2, 4, 2, 1, bias=False),
                       nn.BatchNorm2d(ngf * width // 2), nn.ReLU(True)]
            width, size = width // 2, size * 2
        layers += [nn.ConvTranspose2d(ngf * width, nc, 4, 2, 1, bias=False), nn.Tanh()]  # nc x image_size^2
        self.main = nn.Sequential(*layers)

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self):
        super(Discriminator, self).__init__()
        # input is nc x image_size x image_size
        layers = [nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
        width, size = 1, opt.image_size // 2
        while size > 4:  # halve the size, double the width
            layers += [nn.Conv2d(ndf * width, ndf * width * 2, 4, 2, 1, bias=False),
                       nn.BatchNorm2d(ndf * width * 2), nn.LeakyReLU(0.2, inplace=True)]
            width, size = width * 2, size // 2
        layers += [nn.Conv2d(ndf * width, 1, 4, 1, 0, bias=False), nn.Sigmoid()]  # state size 1 x 1 x 1
        self.main = nn.Sequential(*layers)

    def forward(self, input):
        output = self.main(input)
        return output.view(-1, 1).squeeze(1)


netG = Generator().to(device)
netG.apply(weights_init)
if opt.netG != '':
    netG.load_state_dict(torch.load(opt.netG))
print(netG)

netD = Discriminator().to(device)
netD.apply(weights_init)
if opt.netD != '':
    netD.load_state_dict(torch.load(opt.netD))
print(netD)

criterion = nn.BCELoss()

fixed_noise = torch.randn(opt.batch_size, nz, 1, 1, device=device)
real_label = 1
fake_label = 0

# setup optimizer
optimizerD = optim.Adam(netD.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))
optimizerG = optim.Adam(netG.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))

iterations = 0
for epoch in range(opt.n_epochs):
    for i, data in enumerate(dataloader, 0):
        ############################
        # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
        ###########################
        # train with real
        netD.zero_grad()
        real_cpu = data[0].to(device)
        batch_size = real_cpu.size(0)
        label = torch.full((batch_size,), real_label, dtype=real_cpu.dtype, device=device)

        output = netD(real_cpu)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()

        # train with fake
        noise = torch.randn(batch_size, nz, 1, 1, device=device)
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach())
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()

        ############################
        # (2) Update G network: maximize log(D(G(z)))
        ###########################
        netG.zero_grad()
        label.fill_(real_label)  # fake labels are real for generator cost
        output = netD(fake)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optimizerG.step()

        if i % opt.log_every == 0:
            print('[%d/%d][%d/%d] Loss_D: %.4f Loss_G: %.4f D(x): %.4f D(G(z)): %.4f / %.4f'
                  % (epoch, opt.n_epochs, i, len(dataloader),
                     errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))
        if i % 100 == 0:
            vutils.save_image(real_cpu, '%s/real_samples.png' % opt.outf, normalize=True)
            fake = netG(fixed_noise)
            vutils.save_image(fake.detach(), '%s/fake_samples_epoch_%03d.png' % (opt.outf, epoch), normalize=True)

        iterations += 1
        if opt.max_steps and iterations >= opt.max_steps:
            break
    # do checkpointing
    torch.save(netG.state_dict(), '%s/netG_epoch_%d.pth' % (opt.outf, epoch))
    torch.save(netD.state_dict(), '%s/netD_epoch_%d.pth' % (opt.outf, epoch))
    if opt.max_steps and iterations >= opt.max_steps:
        break
