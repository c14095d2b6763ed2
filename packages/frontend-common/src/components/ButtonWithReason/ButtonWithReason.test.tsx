import { fireEvent, render, screen } from '@testing-library/react';
import { ButtonWithReason } from './ButtonWithReason';

describe('ButtonWithReason', () => {
  it('acts when nothing holds it back', () => {
    const onClick = jest.fn();
    render(
      <ButtonWithReason reasonId="why" onClick={onClick}>
        Start wave
      </ButtonWithReason>,
    );
    const button = screen.getByRole('button', { name: 'Start wave' });
    expect(button).toBeEnabled();
    expect(button).not.toHaveAttribute('aria-describedby');
    fireEvent.click(button);
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('is disabled and described by its reason when refused', () => {
    render(
      <>
        <ButtonWithReason
          reasonId="why"
          disabledReason="You need the upgrade-waves.wave.create permission."
        >
          Start wave
        </ButtonWithReason>
        <p id="why">You need the upgrade-waves.wave.create permission.</p>
      </>,
    );
    const button = screen.getByRole('button', { name: 'Start wave' });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      'You need the upgrade-waves.wave.create permission.',
    );
  });

  it('is disabled while its owner says so, without a reason', () => {
    render(<ButtonWithReason disabled>Approve</ButtonWithReason>);
    expect(screen.getByRole('button', { name: 'Approve' })).toBeDisabled();
  });
});
